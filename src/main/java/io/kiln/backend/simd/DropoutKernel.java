package io.kiln.backend.simd;

import io.kiln.core.Philox;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Inverted dropout with the counter-based {@link Philox} mask: element i is kept when
 * {@code Philox.toUniform(word(seed, offset + i)) >= p} and scaled by {@code 1/(1 − p)} (rounded to float once, 0 when
 * p = 1), so the mask equals every other backend's bit for bit, whatever the thread split. Each Philox-4x32-10 block
 * (10 rounds) yields the 4 words of 4 consecutive elements; words are generated per chunk of
 * {@value #CHUNK} elements into a per-thread buffer, then applied with vectors (uniform = (word >>> 8)·2^-24).
 */
final class DropoutKernel {
    private static final VectorSpecies<Float> S = Lanes.S;
    private static final VectorSpecies<Integer> SI = VectorSpecies.of(int.class, S.vectorShape());
    private static final int L = Lanes.L;
    static final int CHUNK = 1024;

    private static final int M0 = 0xD2511F53;
    private static final int M1 = 0xCD9E8D57;
    private static final int W0 = 0x9E3779B9;
    private static final int W1 = 0xBB67AE85;

    private DropoutKernel() {
    }

    /** 1/(1 − p) rounded to float once; 0 when p = 1 (every element dropped). */
    static float scale(float p) {
        return p >= 1f ? 0f : (float) (1.0 / (1.0 - p));
    }

    /**
     * The Philox words of elements {@code first .. first+count} (element = offset + index) into {@code out[0..count)}:
     * one 10-round block per 4 elements.
     */
    static void words(long seed, long first, int count, int[] out) {
        int k0Init = (int) seed;
        int k1Init = (int) (seed >>> 32);
        long e = first;
        int i = 0;
        while (i < count) {
            long block = e >>> 2;
            int c0 = (int) block;
            int c1 = (int) (block >>> 32);
            int c2 = 0;
            int c3 = 0;
            int k0 = k0Init;
            int k1 = k1Init;
            for (int r = 0; r < 10; r++) {
                long p0 = (M0 & 0xFFFFFFFFL) * (c0 & 0xFFFFFFFFL);
                long p1 = (M1 & 0xFFFFFFFFL) * (c2 & 0xFFFFFFFFL);
                int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
                int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
                c1 = (int) p1;
                c3 = (int) p0;
                c0 = n0;
                c2 = n2;
                k0 += W0;
                k1 += W1;
            }
            int w = (int) (e & 3);
            if (w == 0 && count - i >= 4) {
                out[i] = c0;
                out[i + 1] = c1;
                out[i + 2] = c2;
                out[i + 3] = c3;
                i += 4;
                e += 4;
                continue;
            }
            for (; w < 4 && i < count; w++, i++, e++) {
                out[i] = switch (w) {
                    case 0 -> c0;
                    case 1 -> c1;
                    case 2 -> c2;
                    default -> c3;
                };
            }
        }
    }

    /** {@code y[i] = keep(offset + i) ? x[i]·scale : 0} for i in [lo, hi). */
    static void apply(float[] x, float[] y, float p, long seed, long offset, int lo, int hi) {
        float scale = scale(p);
        int[] w = Scratch.ints(0, CHUNK);
        // threshold on the 24-bit integer: keep iff (word >>> 8) * 2^-24 >= p  <=>  (word >>> 8) >= ceil(p * 2^24)
        int threshold = (int) Math.ceil((double) p * 0x1p24);
        IntVector tv = IntVector.broadcast(SI, threshold);
        FloatVector sv = FloatVector.broadcast(S, scale);
        for (int c0 = lo; c0 < hi; c0 += CHUNK) {
            int n = Math.min(CHUNK, hi - c0);
            words(seed, offset + c0, n, w);
            int i = 0;
            for (int up = S.loopBound(n); i < up; i += L) {
                VectorMask<Float> keep = IntVector.fromArray(SI, w, i).lanewise(VectorOperators.LSHR, 8)
                        .compare(VectorOperators.GE, tv).cast(S);
                FloatVector.fromArray(S, x, c0 + i).mul(sv).blend(0f, keep.not()).intoArray(y, c0 + i);
            }
            for (; i < n; i++) {
                y[c0 + i] = Philox.keep(p, w[i]) ? x[c0 + i] * scale : 0f;
            }
        }
    }
}
