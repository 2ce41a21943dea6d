package io.kiln.backend.opencl;

import io.kiln.core.Shape;
import io.kiln.core.Tensor;
import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicLong;
import org.jocl.CL;
import org.jocl.cl_mem;

/**
 * A tensor in one OpenCL context's device memory: one {@code cl_mem} of exactly {@code 4·size()} bytes, row-major,
 * offset 0. A zero-element tensor holds no buffer. {@link #close()} releases the buffer at once (the driver frees it
 * when commands already enqueued on it finish); a {@link Cleaner} releases it too if the tensor becomes unreachable
 * unclosed, as a safety net only.
 *
 * <p>Live buffers are counted per backend ({@link OpenClBackend#liveTensorBuffers()}) and per process
 * ({@link #liveBuffers()}), so tests can assert that every buffer came back.
 */
public final class OpenClTensor extends Tensor {
    private static final Cleaner CLEANER = Cleaner.create();
    private static final AtomicLong LIVE = new AtomicLong();

    private final cl_mem mem;
    private final Cleaner.Cleanable cleanable;

    OpenClTensor(Shape shape, OpenClBackend backend, cl_mem mem) {
        super(shape, backend);
        this.mem = mem;
        if (mem != null) {
            LIVE.incrementAndGet();
            this.cleanable = CLEANER.register(this, new Release(mem, 4L * shape.size(), backend.counters()));
        } else {
            this.cleanable = null;
        }
    }

    /** Device buffers of OpenCL tensors alive in this process, over every backend instance. */
    public static long liveBuffers() {
        return LIVE.get();
    }

    /** The device buffer; {@code null} for a zero-element tensor. */
    cl_mem mem() {
        return mem;
    }

    long bytes() {
        return 4L * size();
    }

    @Override
    public boolean sharesStorageWith(Tensor other) {
        return other == this || (mem != null && other instanceof OpenClTensor o && o.mem == mem);
    }

    @Override
    protected void release() {
        if (cleanable != null) {
            cleanable.clean();
        }
    }

    /** Releases one buffer exactly once; holds no reference to the tensor. */
    private record Release(cl_mem mem, long bytes, OpenClBackend.Counters counters) implements Runnable {
        @Override
        public void run() {
            try {
                CL.clReleaseMemObject(mem);
            } finally {
                LIVE.decrementAndGet();
                counters.tensorReleased(bytes);
            }
        }
    }
}
