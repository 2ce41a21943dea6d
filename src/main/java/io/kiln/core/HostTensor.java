package io.kiln.core;

/**
 * A tensor stored in a Java {@code float[]} of exactly {@code size()} elements, row-major, offset 0. Shared by the
 * host backends (reference, SIMD). The array is exposed to kernels through {@link #data()}; user code should copy
 * with {@link Backend#copyIn}/{@link Backend#copyOut} instead.
 */
public final class HostTensor extends Tensor {
    private float[] data;

    public HostTensor(Shape shape, Backend backend, float[] data) {
        super(shape, backend);
        if (data.length != shape.size()) {
            throw new InvalidArgumentException("HostTensor: array of " + data.length + " floats for shape " + shape);
        }
        this.data = data;
    }

    /** The backing array. Kernels read and write it directly. */
    public float[] data() {
        float[] d = data;
        if (d == null) {
            throw new InvalidArgumentException("tensor " + shape() + " is closed");
        }
        return d;
    }

    @Override
    public boolean sharesStorageWith(Tensor other) {
        return other instanceof HostTensor h && h.data == data && data != null;
    }

    @Override
    protected void release() {
        data = null;
    }
}
