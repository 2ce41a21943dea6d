package io.kiln.backend.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiln.core.Backend;
import io.kiln.core.InvalidArgumentException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** The simd backend's one pool, as other code reaches it through {@link Backend#parallelFor}, and its size. */
class SimdThreadsTest {

    @Test
    void parallelForRunsEveryTaskOnceOnThePoolsThreads() throws Exception {
        try (Backend be = new SimdBackend(2, GemmBlocking.defaults())) {
            assertEquals(2, be.parallelism());
            AtomicIntegerArray runs = new AtomicIntegerArray(1000);
            be.parallelFor(1000, t -> runs.incrementAndGet(t));
            for (int t = 0; t < 1000; t++) {
                assertEquals(1, runs.get(t), "task " + t);
            }
            // two tasks that each wait for the other can only finish if they run at the same time
            CountDownLatch both = new CountDownLatch(2);
            Set<String> threads = ConcurrentHashMap.newKeySet();
            be.parallelFor(2, t -> {
                threads.add(Thread.currentThread().getName());
                both.countDown();
                try {
                    assertTrue(both.await(20, TimeUnit.SECONDS), "task " + t + " ran alone");
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertEquals(2, threads.size());
            assertTrue(threads.stream().anyMatch(n -> n.startsWith("kiln-simd-")), threads.toString());
        }
    }

    @Test
    void parallelForRethrowsATasksFailureAndValidatesFirst() {
        try (Backend be = new SimdBackend(2, GemmBlocking.defaults())) {
            IllegalStateException boom = new IllegalStateException("boom");
            assertSame(boom, assertThrows(IllegalStateException.class, () -> be.parallelFor(8, t -> {
                if (t == 5) {
                    throw boom;
                }
            })));
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> be.parallelFor(-1, t -> {
            }));
            assertTrue(e.getMessage().contains("parallel_for") && e.getMessage().contains("-1"), e.getMessage());
        }
    }

    @Test
    void theThreadsPropertySizesThePool() {
        assertEquals(3, SimdBackendProvider.threads("3"));
        assertEquals(1, SimdBackendProvider.threads(" 1 "));
        assertEquals(Runtime.getRuntime().availableProcessors(), SimdBackendProvider.threads(null));
        for (String bad : new String[] {"0", "-2", "two", "1.5"}) {
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                    () -> SimdBackendProvider.threads(bad));
            assertTrue(e.getMessage().contains("kiln.threads=" + bad), e.getMessage());
        }
        String before = System.getProperty(SimdBackendProvider.THREADS_PROPERTY);
        System.setProperty(SimdBackendProvider.THREADS_PROPERTY, "1");
        try (Backend be = new SimdBackendProvider().create()) {
            assertEquals(1, be.parallelism());
        } finally {
            if (before == null) {
                System.clearProperty(SimdBackendProvider.THREADS_PROPERTY);
            } else {
                System.setProperty(SimdBackendProvider.THREADS_PROPERTY, before);
            }
        }
    }
}
