package io.kiln.backend.simd;

/**
 * Per-thread scratch arrays, grown on demand and then reused, so kernels do not allocate on hot paths. Each slot is
 * owned by one kernel family (documented at the constants); a kernel never holds a slot across a call into another
 * kernel that uses the same slot.
 */
final class Scratch {
    /** Slots of float scratch: 0 = GEMM packed A, 1 = softmax block maxima, 2 = GEMM packed B, 3 = GEMM edge tile. */
    private static final int FLOAT_SLOTS = 4;
    /** Slots of int scratch: 0 = dropout Philox words. */
    private static final int INT_SLOTS = 1;

    private static final ThreadLocal<float[][]> FLOATS = ThreadLocal.withInitial(() -> new float[FLOAT_SLOTS][]);
    private static final ThreadLocal<int[][]> INTS = ThreadLocal.withInitial(() -> new int[INT_SLOTS][]);

    private Scratch() {
    }

    /** A float array of at least {@code n} elements for {@code slot}, owned by the current thread. */
    static float[] floats(int slot, int n) {
        float[][] all = FLOATS.get();
        float[] a = all[slot];
        if (a == null || a.length < n) {
            a = new float[Math.max(n, a == null ? 0 : a.length + (a.length >> 1))];
            all[slot] = a;
        }
        return a;
    }

    static int[] ints(int slot, int n) {
        int[][] all = INTS.get();
        int[] a = all[slot];
        if (a == null || a.length < n) {
            a = new int[n];
            all[slot] = a;
        }
        return a;
    }
}
