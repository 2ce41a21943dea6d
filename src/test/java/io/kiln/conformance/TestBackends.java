package io.kiln.conformance;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kiln.core.Backend;
import io.kiln.core.BackendProvider;
import io.kiln.core.Backends;
import java.util.List;
import java.util.Optional;

/**
 * The backends every shared test runs on: each provider registered through ServiceLoader, so a backend added later
 * runs the whole suite unchanged. A backend that cannot load here is skipped with its reason, except under CI
 * ({@code CI=true}), where every registered backend must load (PoCL is installed there) and the test fails instead.
 */
public final class TestBackends {
    private TestBackends() {
    }

    /** Names of every registered backend, the reference first. */
    public static List<String> names() {
        return Backends.providers().stream().map(BackendProvider::name)
                .sorted((a, b) -> a.equals("reference") ? -1 : b.equals("reference") ? 1 : a.compareTo(b))
                .toList();
    }

    /** Names of every registered backend except the reference (the ones checked against it). */
    public static List<String> others() {
        return names().stream().filter(n -> !n.equals("reference")).toList();
    }

    public static Backend reference() {
        return Backends.select("reference");
    }

    /** The backend, or a skipped test (a failed one under CI) with the reason it cannot load. */
    public static Backend get(String name) {
        Optional<String> why = Backends.availability().getOrDefault(name, Optional.of("not registered"));
        if (why.isPresent()) {
            String msg = "backend " + name + " cannot load here: " + why.get();
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(msg + " (CI=true: every registered backend must run)");
            }
            assumeTrue(false, msg);
        }
        return Backends.select(name);
    }
}
