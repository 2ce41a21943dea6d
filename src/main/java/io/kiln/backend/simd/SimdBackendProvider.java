package io.kiln.backend.simd;

import io.kiln.core.Backend;
import io.kiln.core.BackendProvider;

import java.util.Optional;

/**
 * Registers the SIMD backend ({@code simd}, priority 30: preferred by {@code auto} over OpenCL and the reference).
 * Unavailable when the {@code jdk.incubator.vector} module is not resolved (the JVM needs
 * {@code --add-modules jdk.incubator.vector}) or when its preferred float species has fewer than 4 lanes (no SIMD
 * worth the name; the Vector API would fall back to scalar code). Its pool has {@code -Dkiln.threads=N} threads
 * (the caller included), by default one per processor the JVM sees.
 */
public final class SimdBackendProvider implements BackendProvider {
    /** Fewer float lanes than this and the backend reports itself unavailable. */
    static final int MIN_LANES = 4;

    @Override
    public String name() {
        return "simd";
    }

    @Override
    public int priority() {
        return 30;
    }

    @Override
    public Optional<String> unavailableReason() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return Optional.of("the jdk.incubator.vector module is not resolved; start the JVM with "
                    + "--add-modules jdk.incubator.vector");
        }
        return checkLanes();
    }

    /** Checked in a separate method so that the Vector API classes load only once the module is known present. */
    private static Optional<String> checkLanes() {
        try {
            int lanes = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();
            if (lanes < MIN_LANES) {
                return Optional.of("the Vector API's preferred float species has " + lanes + " lanes (need at least "
                        + MIN_LANES + "); this CPU or JVM offers no usable SIMD");
            }
            return Optional.empty();
        } catch (LinkageError e) {
            return Optional.of("the Vector API cannot load: " + e);
        }
    }

    /** System property with the pool's thread count (the caller included); default: the available processors. */
    public static final String THREADS_PROPERTY = "kiln.threads";

    @Override
    public Backend create() {
        return new SimdBackend(threads(System.getProperty(THREADS_PROPERTY)), GemmBlocking.defaults());
    }

    /** The thread count a {@code kiln.threads} value asks for (null or blank: the available processors). */
    static int threads(String value) {
        if (value == null || value.isBlank()) {
            return Runtime.getRuntime().availableProcessors();
        }
        int n;
        try {
            n = Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            n = 0;
        }
        if (n < 1) {
            throw new io.kiln.core.InvalidArgumentException("simd backend: -D" + THREADS_PROPERTY + "=" + value
                    + " is not a thread count (want an integer >= 1)");
        }
        return n;
    }
}
