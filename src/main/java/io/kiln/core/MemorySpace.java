package io.kiln.core;

/**
 * Where a tensor's storage lives. The reference and SIMD backends share {@link #HOST} (Java heap arrays), so their
 * tensors are interchangeable without copies; each OpenCL context is a space of its own. A kernel refuses any tensor
 * that does not live in its backend's space.
 */
public final class MemorySpace {
    /** Java heap, {@code float[]} per tensor. */
    public static final MemorySpace HOST = new MemorySpace("host");

    private final String name;

    public MemorySpace(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return name;
    }
}
