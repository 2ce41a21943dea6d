package io.kiln.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds backends with {@link ServiceLoader} and chooses one by name: {@code reference}, {@code simd},
 * {@code opencl}, or {@code auto} (the available backend of highest priority). The name comes from the caller, else
 * the system property {@code kiln.backend}, else {@code auto}. The choice is logged once, in one line, with the
 * reason each other candidate was passed over. A backend asked for by name that cannot load fails with that
 * reason; there is no silent fallback.
 */
public final class Backends {
    public static final String PROPERTY = "kiln.backend";
    public static final String AUTO = "auto";

    private static final Map<String, Backend> CREATED = new ConcurrentHashMap<>();
    private static final Map<String, Boolean> LOGGED = new ConcurrentHashMap<>();

    private Backends() {
    }

    /** All providers on the class path, highest priority first. */
    public static List<BackendProvider> providers() {
        List<BackendProvider> list = new ArrayList<>();
        ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader()).forEach(list::add);
        list.sort(Comparator.comparingInt(BackendProvider::priority).reversed());
        return list;
    }

    /** Each provider's name with its unavailability reason (empty when available). */
    public static Map<String, Optional<String>> availability() {
        Map<String, Optional<String>> out = new LinkedHashMap<>();
        for (BackendProvider p : providers()) {
            out.put(p.name(), reason(p));
        }
        return out;
    }

    /** The backend named by {@code kiln.backend}, or {@code auto}. */
    public static Backend select() {
        return select(System.getProperty(PROPERTY, AUTO));
    }

    /** The backend of this name (shared per process); {@code null} or blank means the property, then auto. */
    public static synchronized Backend select(String requested) {
        return select(requested, providers());
    }

    /**
     * {@link #select(String)} among the given providers instead of those on the class path (package-private, for
     * tests of the selection rules with providers that are unavailable or of other priorities).
     */
    static synchronized Backend select(String requested, List<BackendProvider> candidates) {
        String name = requested == null || requested.isBlank() ? System.getProperty(PROPERTY, AUTO) : requested;
        name = name.trim().toLowerCase(java.util.Locale.ROOT);
        List<BackendProvider> providers = new ArrayList<>(candidates);
        providers.sort(Comparator.comparingInt(BackendProvider::priority).reversed());
        if (name.equals(AUTO)) {
            return selectAuto(providers);
        }
        for (BackendProvider p : providers) {
            if (p.name().equals(name)) {
                Optional<String> why = reason(p);
                if (why.isPresent()) {
                    throw new BackendUnavailableException("backend '" + name + "' cannot load: " + why.get());
                }
                Backend b = CREATED.computeIfAbsent(p.name(), k -> p.create());
                log(name, "kiln: backend " + b.name() + " (asked for by name): " + b.description());
                return b;
            }
        }
        List<String> known = new ArrayList<>();
        providers.forEach(p -> known.add(p.name()));
        known.add(AUTO);
        throw new BackendUnavailableException("unknown backend '" + name + "'; known: " + String.join(", ", known));
    }

    private static Backend selectAuto(List<BackendProvider> providers) {
        BackendProvider chosen = null;
        List<String> passed = new ArrayList<>();
        for (BackendProvider p : providers) {
            Optional<String> why = reason(p);
            if (chosen == null && why.isEmpty()) {
                chosen = p;
            } else if (why.isPresent()) {
                passed.add(p.name() + " (" + why.get() + ")");
            } else {
                passed.add(p.name() + " (lower priority than " + chosen.name() + ")");
            }
        }
        if (chosen == null) {
            throw new BackendUnavailableException("auto: no backend can load: " + String.join("; ", passed));
        }
        BackendProvider c = chosen;
        Backend b = CREATED.computeIfAbsent(c.name(), k -> c.create());
        log(AUTO, "kiln: backend " + b.name() + " (auto): " + b.description()
                + (passed.isEmpty() ? "" : "; passed over: " + String.join("; ", passed)));
        return b;
    }

    private static Optional<String> reason(BackendProvider p) {
        try {
            return p.unavailableReason();
        } catch (RuntimeException | LinkageError e) {
            return Optional.of(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static void log(String key, String line) {
        if (LOGGED.putIfAbsent(key, Boolean.TRUE) == null && !Boolean.getBoolean("kiln.quiet")) {
            System.err.println(line);
        }
    }
}
