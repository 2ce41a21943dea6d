package io.kiln.backend.opencl;

import io.kiln.core.Backend;
import io.kiln.core.BackendProvider;
import io.kiln.core.BackendUnavailableException;
import java.util.Optional;

/**
 * Registers the {@code opencl} backend (priority 20: below simd, above reference, for {@code auto}). Available when
 * an OpenCL ICD loader, a platform and a device are present; otherwise {@link #unavailableReason()} says which is
 * missing and how to install it. The device comes from {@code -Dkiln.opencl.device} (index or name substring),
 * else the first GPU, else the first device.
 */
public final class OpenClBackendProvider implements BackendProvider {
    @Override
    public String name() {
        return "opencl";
    }

    @Override
    public int priority() {
        return 20;
    }

    @Override
    public Optional<String> unavailableReason() {
        Optional<String> why = OpenClDevices.unavailableReason();
        if (why.isPresent()) {
            return why;
        }
        try {
            OpenClDevices.choose(System.getProperty(OpenClDevices.DEVICE_PROPERTY));
            return Optional.empty();
        } catch (BackendUnavailableException e) {
            return Optional.of(e.getMessage());
        }
    }

    @Override
    public Backend create() {
        return new OpenClBackend();
    }
}
