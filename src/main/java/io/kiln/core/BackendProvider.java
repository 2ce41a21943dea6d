package io.kiln.core;

import java.util.Optional;

/**
 * Service-provider interface through which {@link java.util.ServiceLoader} finds backends
 * ({@code META-INF/services/io.kiln.core.BackendProvider}).
 */
public interface BackendProvider {
    /** The name users ask for: {@code reference}, {@code simd}, {@code opencl}. */
    String name();

    /** Preference of {@code auto}: the available provider with the highest priority wins. */
    int priority();

    /** Empty when the backend can run here; otherwise why not, and what to install or change. */
    Optional<String> unavailableReason();

    /** Creates the backend; called at most once per process by {@link Backends}. */
    Backend create();
}
