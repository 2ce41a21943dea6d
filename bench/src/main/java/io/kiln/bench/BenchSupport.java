package io.kiln.bench;

import io.kiln.core.Backend;

import java.util.Random;

/** Helpers shared by the benchmarks: deterministic data, and the reference backend when it is on the class path. */
public final class BenchSupport {
    private BenchSupport() {
    }

    /** Uniform values in [-1, 1), deterministic per seed. */
    public static float[] random(int size, long seed) {
        Random r = new Random(seed);
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = r.nextFloat() * 2 - 1;
        }
        return x;
    }

    /**
     * The reference backend ({@code io.kiln.backend.reference.ReferenceBackend}) when it is on the class path, else
     * null: it lands on main separately, and the benchmarks compile without it.
     */
    public static Backend referenceOrNull() {
        try {
            return (Backend) Class.forName("io.kiln.backend.reference.ReferenceBackend").getDeclaredConstructor()
                    .newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }

    /** The CPU clock in GHz as /proc/cpuinfo reports it (the first "cpu MHz" line), or NaN. */
    public static double cpuGHz() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("cpu MHz")) {
                    return Double.parseDouble(line.substring(line.indexOf(':') + 1).trim()) / 1000.0;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
