package io.kiln.core;

/**
 * NumPy/PyTorch broadcasting of two shapes: dimensions are aligned from the right; each pair must be equal or one of
 * them 1. {@link #resolve} returns the result shape or throws a {@link ShapeException} naming both.
 */
public final class Broadcast {
    private Broadcast() {
    }

    public static Shape resolve(String op, Shape a, Shape b) {
        int rank = Math.max(a.rank(), b.rank());
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.rank() ? 1 : a.dim(i - (rank - a.rank()));
            int db = i < rank - b.rank() ? 1 : b.dim(i - (rank - b.rank()));
            if (da != db && da != 1 && db != 1) {
                throw new ShapeException(op + ": shapes " + a + " and " + b + " do not broadcast (dimension " + i
                        + " of the result: " + da + " vs " + db + ")");
            }
            out[i] = da == 1 ? db : da;
        }
        return Shape.of(out);
    }

    /**
     * Strides (in elements) for reading {@code in} as if it had shape {@code out}: 0 where {@code in} is broadcast.
     * {@code in} must broadcast to {@code out}.
     */
    public static int[] strides(Shape in, Shape out) {
        int rank = out.rank();
        int[] strides = new int[rank];
        int stride = 1;
        for (int i = rank - 1; i >= 0; i--) {
            int k = i - (rank - in.rank());
            int d = k < 0 ? 1 : in.dim(k);
            strides[i] = d == 1 ? 0 : stride;
            stride *= d;
        }
        return strides;
    }

    /**
     * Copies {@code src}, read as if broadcast to {@code shape} with {@code strides} (from {@link #strides}), at
     * the flat indices [start, start + len) of {@code shape} into {@code dst} from {@code d0}: the general broadcast
     * of the host fused-kernel evaluators.
     */
    public static void gather(float[] src, Shape shape, int[] strides, int start, int len, float[] dst, int d0) {
        int rank = shape.rank();
        int[] dims = shape.dims();
        int[] idx = new int[rank];
        int rem = start;
        int pos = 0;
        for (int d = rank - 1; d >= 0; d--) {
            idx[d] = rem % dims[d];
            rem /= dims[d];
            pos += idx[d] * strides[d];
        }
        for (int j = 0; j < len; j++) {
            dst[d0 + j] = src[pos];
            for (int d = rank - 1; d >= 0; d--) {
                idx[d]++;
                pos += strides[d];
                if (idx[d] < dims[d]) {
                    break;
                }
                pos -= strides[d] * idx[d];
                idx[d] = 0;
            }
        }
    }
}
