package io.kiln.backend.opencl;

import static org.junit.jupiter.api.Assertions.fail;

import io.kiln.core.Backend;
import io.kiln.core.Backends;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;

/**
 * The OpenCL backend for tests: the process-wide instance of {@link Backends} (so programs are built once for all
 * test classes). Where no OpenCL platform exists the tests are skipped with the reason, except under CI
 * ({@code CI=true}), where PoCL is installed and a missing platform is a failure.
 */
final class OpenClTestSupport {
    private OpenClTestSupport() {
    }

    /** Skips (or, under CI, fails) the calling test when OpenCL cannot load here. */
    static void requireOpenCl() {
        Optional<String> why = new OpenClBackendProvider().unavailableReason();
        if (why.isPresent()) {
            String msg = "OpenCL backend cannot load here: " + why.get();
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(msg + " (CI=true: the OpenCL tests must run; install ocl-icd-libopencl1 pocl-opencl-icd and "
                        + "set POCL_CACHE_DIR)");
            }
            Assumptions.abort(msg);
        }
    }

    static OpenClBackend backend() {
        requireOpenCl();
        return (OpenClBackend) Backends.select("opencl");
    }

    static Backend reference() {
        return Backends.select("reference");
    }

    static float[] random(SplittableRandom rnd, int n, double lo, double hi) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (lo + (hi - lo) * rnd.nextDouble());
        }
        return v;
    }
}
