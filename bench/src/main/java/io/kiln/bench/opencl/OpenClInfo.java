package io.kiln.bench.opencl;

import io.kiln.backend.opencl.OpenClBackend;
import io.kiln.backend.opencl.OpenClDevices;
import java.util.Optional;

/**
 * Prints every OpenCL device and the one the backend picks ({@code -Dkiln.opencl.device}, else the first GPU),
 * tagged for scripts: {@code DEVICE:} lines, then {@code CHOSEN: <type> <description>} or {@code UNAVAILABLE:}.
 * Exit status 0 when a device is usable, 2 when none is. Used by bench/gpu/run.sh.
 */
public final class OpenClInfo {
    private OpenClInfo() {
    }

    public static void main(String[] args) {
        for (String line : OpenClDevices.describe()) {
            System.out.println("DEVICE: " + line);
        }
        Optional<String> why = OpenClDevices.unavailableReason();
        if (why.isPresent()) {
            System.out.println("UNAVAILABLE: " + why.get());
            System.exit(2);
        }
        try (OpenClBackend cl = new OpenClBackend()) {
            System.out.println("CHOSEN: " + cl.device().type() + " " + cl.description());
        }
    }
}
