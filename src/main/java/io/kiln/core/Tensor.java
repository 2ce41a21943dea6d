package io.kiln.core;

/**
 * A dense, row-major FP32 tensor owned by the backend that allocated it. Its storage lives in that backend's
 * {@link MemorySpace}; data moves between Java arrays and a tensor only through explicit copies
 * ({@link Backend#copyIn}, {@link Backend#copyOut}). Close it to release its storage (device memory at once; heap
 * storage is dropped for the collector). A closed tensor is refused by every kernel.
 */
public abstract class Tensor implements AutoCloseable {
    private final Shape shape;
    private final Backend backend;
    private volatile boolean closed;

    protected Tensor(Shape shape, Backend backend) {
        this.shape = shape;
        this.backend = backend;
    }

    public final Shape shape() {
        return shape;
    }

    public final int rank() {
        return shape.rank();
    }

    public final int dim(int i) {
        return shape.dim(i);
    }

    /** Number of elements. */
    public final int size() {
        return shape.size();
    }

    /** The backend that allocated this tensor. */
    public final Backend backend() {
        return backend;
    }

    public final MemorySpace memory() {
        return backend.memory();
    }

    public final boolean isClosed() {
        return closed;
    }

    /** True when this tensor and {@code other} share storage (so writing one changes the other). */
    public abstract boolean sharesStorageWith(Tensor other);

    @Override
    public final void close() {
        if (!closed) {
            closed = true;
            release();
        }
    }

    /** Frees the storage; called once. */
    protected abstract void release();

    @Override
    public String toString() {
        return "Tensor" + shape + "@" + backend.name() + (closed ? " (closed)" : "");
    }
}
