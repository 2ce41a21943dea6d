package io.kiln.core;

/**
 * Argument checks shared by every backend. Each failure names the op, the argument, and the shapes or values at
 * fault. Backends call these before touching memory; {@link Backend} does so for every SPI entry.
 */
public final class Checks {
    private Checks() {
    }

    public static void nonNegativeFinite(String op, String name, float v) {
        if (!Float.isFinite(v) || v < 0) {
            throw new InvalidArgumentException(op + ": " + name + " must be finite and >= 0, got " + v);
        }
    }

    public static void finite(String op, String name, float v) {
        if (!Float.isFinite(v)) {
            throw new InvalidArgumentException(op + ": " + name + " must be finite, got " + v);
        }
    }

    public static <T> T notNull(String op, String name, T v) {
        if (v == null) {
            throw new InvalidArgumentException(op + ": " + name + " is null");
        }
        return v;
    }

    /** Not null, open, and living in {@code backend}'s memory space. */
    public static Tensor usable(String op, String name, Tensor t, Backend backend) {
        if (t == null) {
            throw new InvalidArgumentException(op + ": " + name + " is null");
        }
        if (t.isClosed()) {
            throw new InvalidArgumentException(op + ": " + name + " " + t.shape() + " is closed");
        }
        if (t.memory() != backend.memory()) {
            throw new InvalidArgumentException(op + ": " + name + " " + t.shape() + " lives in memory space '"
                    + t.memory() + "' (backend " + t.backend().name() + "), but backend " + backend.name()
                    + " works on '" + backend.memory() + "'; copy it across first");
        }
        return t;
    }

    public static void rank(String op, String name, Tensor t, int... allowed) {
        for (int r : allowed) {
            if (t.rank() == r) {
                return;
            }
        }
        throw new ShapeException(op + ": " + name + " must have rank " + join(allowed) + ", got shape " + t.shape());
    }

    public static void sameShape(String op, String nameA, Tensor a, String nameB, Tensor b) {
        if (!a.shape().equals(b.shape())) {
            throw new ShapeException(op + ": " + nameA + " " + a.shape() + " and " + nameB + " " + b.shape()
                    + " must have the same shape");
        }
    }

    public static void noAlias(String op, String nameA, Tensor a, String nameB, Tensor b) {
        if (a != null && b != null && a.sharesStorageWith(b)) {
            throw new InvalidArgumentException(op + ": " + nameA + " " + a.shape() + " and " + nameB + " "
                    + b.shape() + " share storage; this op needs distinct tensors");
        }
    }

    private static String join(int[] v) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            if (i > 0) {
                sb.append(i == v.length - 1 ? " or " : ", ");
            }
            sb.append(v[i]);
        }
        return sb.toString();
    }
}
