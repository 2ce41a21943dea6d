package io.kiln.backend.opencl;

import io.kiln.core.BackendUnavailableException;
import io.kiln.core.Backends;

/**
 * Run in a child JVM by {@link OpenClUnavailableTest}: prints the provider's unavailability reason and what
 * {@link Backends#select} does, one tagged line each.
 */
public final class OpenClAvailabilityProbe {
    private OpenClAvailabilityProbe() {
    }

    public static void main(String[] args) {
        System.out.println("REASON: " + new OpenClBackendProvider().unavailableReason().orElse("(available)"));
        try {
            Backends.select("opencl");
            System.out.println("SELECT: created");
        } catch (BackendUnavailableException e) {
            System.out.println("SELECT: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        System.out.println("DEVICES: " + OpenClDevices.list().size());
    }
}
