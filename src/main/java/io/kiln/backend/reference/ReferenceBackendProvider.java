package io.kiln.backend.reference;

import io.kiln.core.Backend;
import io.kiln.core.BackendProvider;
import java.util.Optional;

/** Registers the reference backend; it can always load, and {@code auto} prefers every faster one. */
public final class ReferenceBackendProvider implements BackendProvider {
    @Override
    public String name() {
        return "reference";
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public Optional<String> unavailableReason() {
        return Optional.empty();
    }

    @Override
    public Backend create() {
        return new ReferenceBackend();
    }
}
