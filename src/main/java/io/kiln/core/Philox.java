package io.kiln.core;

/**
 * Philox-4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11), a counter-based RNG: the
 * random word for element {@code i} depends only on {@code (seed, offset + i)}, so every backend, any thread split
 * and any tile order draws the same dropout mask bit for bit.
 *
 * <p>Element {@code e = offset + i} uses counter {@code (e >>> 2) as (lo, hi, 0, 0)}, key {@code seed as (lo, hi)}
 * and takes output word {@code e & 3}. The uniform is {@code (word >>> 8) · 2^-24}, in [0, 1).
 */
public final class Philox {
    private static final int M0 = 0xD2511F53;
    private static final int M1 = 0xCD9E8D57;
    private static final int W0 = 0x9E3779B9;
    private static final int W1 = 0xBB67AE85;

    private Philox() {
    }

    /** The four 32-bit outputs of Philox-4x32-10 for one counter block, written into {@code out[0..3]}. */
    public static void block(long seed, long blockIndex, int[] out) {
        block((int) blockIndex, (int) (blockIndex >>> 32), 0, 0, (int) seed, (int) (seed >>> 32), out);
    }

    /**
     * Philox-4x32-10 of the full 128-bit counter {@code (c0, c1, c2, c3)} under the key {@code (k0, k1)}; dropout
     * uses only c2 = c3 = 0. Package-private so the Random123 known-answer vectors (which set every counter word)
     * can be checked.
     */
    static void block(int c0, int c1, int c2, int c3, int k0, int k1, int[] out) {
        for (int r = 0; r < 10; r++) {
            long p0 = (M0 & 0xFFFFFFFFL) * (c0 & 0xFFFFFFFFL);
            long p1 = (M1 & 0xFFFFFFFFL) * (c2 & 0xFFFFFFFFL);
            int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
            int n1 = (int) p1;
            int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
            int n3 = (int) p0;
            c0 = n0;
            c1 = n1;
            c2 = n2;
            c3 = n3;
            k0 += W0;
            k1 += W1;
        }
        out[0] = c0;
        out[1] = c1;
        out[2] = c2;
        out[3] = c3;
    }

    /** The raw 32-bit word for element {@code element} (= offset + index) under {@code seed}. */
    public static int word(long seed, long element) {
        int[] out = new int[4];
        block(seed, element >>> 2, out);
        return out[(int) (element & 3)];
    }

    /** Uniform in [0, 1) with 24 random bits for element {@code element} under {@code seed}. */
    public static float uniform(long seed, long element) {
        return toUniform(word(seed, element));
    }

    public static float toUniform(int word) {
        return (word >>> 8) * 0x1.0p-24f;
    }

    /** Dropout keeps an element when its uniform is at least {@code p}. */
    public static boolean keep(float p, int word) {
        return toUniform(word) >= p;
    }
}
