package io.kiln.backend.simd;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The SIMD backend's one fixed pool: {@code threads − 1} daemon workers plus the calling thread, which always takes
 * a share of the work itself. Work is split into tasks taken dynamically from a shared counter (so a core that is
 * busy with something else just takes fewer tasks). A kernel called from a pool worker runs serially on that worker
 * (no nested parallelism, no deadlock). Safe to call from many threads at once: each call has its own task counter,
 * and a caller waits only for tasks that were claimed (see {@link Job}).
 */
final class SimdThreads implements AutoCloseable {
    /** Body of a parallel loop: runs tasks {@code [task]} one at a time. */
    @FunctionalInterface
    interface Task {
        void run(int task);
    }

    private final int threads;
    private final ExecutorService pool;
    private static final ThreadLocal<Boolean> IS_WORKER = ThreadLocal.withInitial(() -> Boolean.FALSE);

    SimdThreads(int threads) {
        this.threads = Math.max(1, threads);
        if (this.threads > 1) {
            AtomicInteger id = new AtomicInteger();
            ThreadFactory factory = r -> {
                Thread t = new Thread(() -> {
                    IS_WORKER.set(Boolean.TRUE);
                    r.run();
                }, "kiln-simd-" + id.incrementAndGet());
                t.setDaemon(true);
                return t;
            };
            this.pool = Executors.newFixedThreadPool(this.threads - 1, factory);
        } else {
            this.pool = null;
        }
    }

    int threads() {
        return threads;
    }

    /** True when the current thread is one of this backend's workers (then kernels stay serial). */
    static boolean onWorker() {
        return IS_WORKER.get();
    }

    /**
     * Runs {@code body.run(t)} for every {@code t} in [0, tasks), on up to {@code maxThreads} threads (the caller
     * included). Returns when all tasks are done; rethrows the first failure.
     */
    void forEach(int tasks, int maxThreads, Task body) {
        int helpers = Math.min(Math.min(threads, maxThreads), tasks) - 1;
        if (helpers <= 0 || pool == null || onWorker()) {
            for (int t = 0; t < tasks; t++) {
                body.run(t);
            }
            return;
        }
        Job job = new Job(tasks, body);
        for (int h = 0; h < helpers; h++) {
            try {
                pool.execute(job::drain);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                break; // backend closed: the caller does the work alone
            }
        }
        job.drain();
        job.awaitAll();
    }

    /**
     * One parallel loop: tasks are claimed from a counter by whoever runs {@link #drain} (the caller and the
     * helpers). The caller waits only for tasks that were claimed, never for a helper that has not started yet (when
     * many threads call at once, a helper may sit in the queue behind others' work; it then finds nothing left).
     */
    private static final class Job {
        private final int tasks;
        private final Task body;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger finished = new AtomicInteger();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        Job(int tasks, Task body) {
            this.tasks = tasks;
            this.body = body;
        }

        void drain() {
            int t;
            while ((t = next.getAndIncrement()) < tasks) {
                try {
                    if (failure.get() == null) {
                        body.run(t);
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    if (finished.incrementAndGet() == tasks) {
                        synchronized (this) {
                            notifyAll();
                        }
                    }
                }
            }
        }

        void awaitAll() {
            boolean interrupted = false;
            synchronized (this) {
                while (finished.get() < tasks) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            Throwable f = failure.get();
            if (f instanceof RuntimeException re) {
                throw re;
            }
            if (f instanceof Error err) {
                throw err;
            }
            if (f != null) {
                throw new IllegalStateException(f);
            }
        }
    }

    /**
     * Splits [0, n) into chunks of at least {@code grain} elements (multiples of {@code align}) and runs
     * {@code body.run(lo, hi)} on each, in parallel when there are at least two chunks.
     */
    void forRange(int n, int grain, int align, RangeBody body) {
        if (n <= 0) {
            return;
        }
        int chunks = Math.max(1, Math.min(threads * 4, n / Math.max(1, grain)));
        if (chunks == 1 || threads == 1 || onWorker()) {
            body.run(0, n);
            return;
        }
        int per = (n + chunks - 1) / chunks;
        int chunk = (per + align - 1) / align * align;
        int count = (n + chunk - 1) / chunk;
        forEach(count, threads, t -> body.run(t * chunk, Math.min(n, (t + 1) * chunk)));
    }

    @FunctionalInterface
    interface RangeBody {
        void run(int lo, int hi);
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
