package io.kiln.hw.profile;

import io.kiln.core.BackendProvider;
import io.kiln.core.BackendUnavailableException;
import io.kiln.core.Backends;
import io.kiln.core.InvalidArgumentException;
import io.kiln.core.Op;
import io.kiln.hw.profile.HardwareProfile.DispatchRule;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Which backend runs an op of a given size, by the rules of the hardware profiles, and why. This is the decision
 * of the {@code auto} dispatcher; the data movement between memory spaces that routing ops to different backends
 * needs is not part of it (a graph run decides where its tensors live).
 *
 * <p>The decision, in order:
 * <ol>
 *   <li>an override for the op's name, then for its category, given through {@link #withOverride}; then the system
 *       properties {@code kiln.dispatch.<op>} and {@code kiln.dispatch.<category>} (e.g.
 *       {@code -Dkiln.dispatch.gemm=simd}, {@code -Dkiln.dispatch.activation=reference}). An override names a backend
 *       that must be available: like {@link Backends#select(String)}, there is no silent fallback;</li>
 *   <li>the profiles' rules that apply (same op name, same category, or {@code *}; work size at least
 *       {@code minSize}), the most specific first (op over category over {@code *}), then the largest
 *       {@code minSize}, then device profiles before the CPU profile. A rule naming an unavailable backend, or
 *       {@code simd} on a profile whose calibration found the Vector API not vectorized, is passed over with the
 *       reason;</li>
 *   <li>when no rule chooses: the available backend {@code auto} would pick (highest provider priority), not simd
 *       when the Vector API is not vectorized.</li>
 * </ol>
 *
 * <p>Work size ({@link #workSize}): m·n·k for GEMM, batch·m·n·k for batched GEMM, rows·cols for row ops and losses
 * over rows, the input element count for reductions, the element count otherwise.
 */
public final class DispatchRules {
    public static final String PROPERTY_PREFIX = "kiln.dispatch.";

    /** A rule with the profile it came from. */
    private record Sourced(DispatchRule rule, String profileId, int profileOrder) {
        int specificity() {
            return rule.op() != null ? 2 : rule.category().equals("*") ? 0 : 1;
        }
    }

    /**
     * The decision and how it was reached.
     *
     * @param op       the op
     * @param workSize its work size
     * @param backend  the chosen backend
     * @param because  the rule, override or default that chose it
     * @param trail    every step considered, in order
     */
    public record Decision(Op op, long workSize, String backend, String because, List<String> trail) {
        /** Several lines: the choice, then the trail. */
        public String explain() {
            StringBuilder sb = new StringBuilder();
            sb.append(op.opName()).append(" (work size ").append(workSize).append(") -> ").append(backend)
                    .append(": ").append(because);
            for (String t : trail) {
                sb.append("\n  ").append(t);
            }
            return sb.toString();
        }
    }

    private final List<Sourced> rules;
    private final Map<String, String> overrides;
    private final boolean simdUsable;
    private final Map<String, Optional<String>> availability;
    private final Properties properties;

    private DispatchRules(List<Sourced> rules, Map<String, String> overrides, boolean simdUsable,
                          Map<String, Optional<String>> availability, Properties properties) {
        this.rules = rules;
        this.overrides = overrides;
        this.simdUsable = simdUsable;
        this.availability = availability;
        this.properties = properties;
        for (String key : properties.stringPropertyNames()) {
            if (key.startsWith(PROPERTY_PREFIX)) {
                String what = key.substring(PROPERTY_PREFIX.length());
                checkKey(what, "system property " + key);
                checkBackend(properties.getProperty(key).trim(), "system property " + key);
            }
        }
    }

    /**
     * The rules of the host's CPU profile and of its devices' profiles (device rules win ties), with the backends
     * available on this class path and the system properties of this JVM.
     */
    public static DispatchRules of(HardwareProfile cpu, HardwareProfile... devices) {
        List<Sourced> list = new ArrayList<>();
        int order = 0;
        for (HardwareProfile d : devices) {
            add(list, d, order++);
        }
        add(list, cpu, order);
        return new DispatchRules(List.copyOf(list), Map.of(), cpu.simdUsable(), Backends.availability(),
                System.getProperties());
    }

    private static void add(List<Sourced> list, HardwareProfile p, int order) {
        if (p.dispatch() != null) {
            for (DispatchRule r : p.dispatch()) {
                list.add(new Sourced(r, p.id(), order));
            }
        }
    }

    /** A copy with {@code opOrCategory} (an op name, a category, or {@code *}) sent to {@code backend}. */
    public DispatchRules withOverride(String opOrCategory, String backend) {
        checkKey(opOrCategory, "override");
        checkBackend(backend, "override of " + opOrCategory);
        Map<String, String> o = new LinkedHashMap<>(overrides);
        o.put(opOrCategory, backend);
        return new DispatchRules(rules, Map.copyOf(o), simdUsable, availability, properties);
    }

    /** A copy that sees these backends as available (empty reason) or not (tests, and what-if explanations). */
    public DispatchRules withAvailability(Map<String, Optional<String>> avail) {
        return new DispatchRules(rules, overrides, simdUsable, Map.copyOf(avail), properties);
    }

    /** A copy that reads overrides from these properties instead of the JVM's. */
    public DispatchRules withProperties(Properties props) {
        return new DispatchRules(rules, overrides, simdUsable, availability, props);
    }

    /** The backend for {@code op} with the sizes named by {@link Op#costArgs()}. */
    public Decision decide(Op op, long... costArgs) {
        long size = workSize(op, costArgs);
        List<String> trail = new ArrayList<>();
        String category = op.category().name().toLowerCase(Locale.ROOT);

        // 1. overrides
        for (String[] o : List.of(
                new String[] {overrides.get(op.opName()), "override for op " + op.opName() + " (API)"},
                new String[] {overrides.get(category), "override for category " + category + " (API)"},
                new String[] {overrides.get("*"), "override for every op (API)"},
                new String[] {prop(op.opName()), "system property " + PROPERTY_PREFIX + op.opName()},
                new String[] {prop(category), "system property " + PROPERTY_PREFIX + category})) {
            if (o[0] == null) {
                continue;
            }
            String backend = o[0];
            Optional<String> why = availability.get(backend);
            if (why == null || why.isPresent()) {
                throw new BackendUnavailableException("dispatch: " + o[1] + " asks for backend '" + backend
                        + "', which is not available: " + (why == null ? "no provider on the class path"
                        : why.get()));
            }
            trail.add(o[1] + " -> " + backend);
            return new Decision(op, size, backend, o[1], trail);
        }

        // 2. profile rules
        List<Sourced> applicable = new ArrayList<>();
        for (Sourced s : rules) {
            DispatchRule r = s.rule();
            boolean matches = op.opName().equals(r.op()) || category.equals(r.category()) || "*".equals(r.category());
            if (matches && size >= r.minSize()) {
                applicable.add(s);
            } else if (matches) {
                trail.add("rule of " + s.profileId() + " [" + r + "] does not apply: work size " + size + " < "
                        + r.minSize());
            }
        }
        applicable.sort(Comparator.comparingInt(Sourced::specificity).reversed()
                .thenComparing(s -> -s.rule().minSize()).thenComparingInt(Sourced::profileOrder));
        for (Sourced s : applicable) {
            DispatchRule r = s.rule();
            String rule = "rule of " + s.profileId() + " [" + r + "]";
            if (r.backend().equals("simd") && !simdUsable) {
                trail.add(rule + " passed over: calibration found the Vector API not compiled to vector "
                        + "instructions on this host");
                continue;
            }
            Optional<String> why = availability.get(r.backend());
            if (why == null || why.isPresent()) {
                trail.add(rule + " passed over: backend " + r.backend() + " is not available ("
                        + (why == null ? "no provider on the class path" : why.get()) + ")");
                continue;
            }
            trail.add(rule + " chooses " + r.backend());
            return new Decision(op, size, r.backend(), rule, trail);
        }

        // 3. auto
        for (String name : byPriority()) {
            Optional<String> why = availability.get(name);
            if (why != null && why.isEmpty() && (simdUsable || !name.equals("simd"))) {
                String because = (applicable.isEmpty() ? "no rule applies" : "every applicable rule was passed over")
                        + "; auto picks the available backend of highest priority";
                trail.add(because + ": " + name);
                return new Decision(op, size, name, because, trail);
            }
        }
        throw new BackendUnavailableException("dispatch: no backend is available for " + op.opName() + ": "
                + availability);
    }

    /** {@link Decision#explain()} of {@link #decide}, or the reason no backend can run it. */
    public String explain(Op op, long... costArgs) {
        try {
            return decide(op, costArgs).explain();
        } catch (BackendUnavailableException e) {
            return op.opName() + ": " + e.getMessage();
        }
    }

    /** The size rules compare with {@code minSize} (see the class comment). */
    public static long workSize(Op op, long... costArgs) {
        op.cost(costArgs); // validates the argument count with the catalog's message
        String args = op.costArgs();
        if (args.startsWith("n_in")) {
            return costArgs[0];
        }
        int needed = args.split(",").length - (args.contains("[") ? 1 : 0);
        long size = 1;
        for (int i = 0; i < needed; i++) {
            size = Math.multiplyExact(size, costArgs[i]);
        }
        return size;
    }

    private String prop(String key) {
        String v = properties.getProperty(PROPERTY_PREFIX + key);
        return v == null || v.isBlank() ? null : v.trim();
    }

    private List<String> byPriority() {
        List<String> names = new ArrayList<>();
        try {
            for (BackendProvider p : Backends.providers()) {
                names.add(p.name());
            }
        } catch (RuntimeException | LinkageError ignored) {
            // fall through to the static order
        }
        for (String n : List.of("simd", "opencl", "reference")) {
            if (!names.contains(n)) {
                names.add(n);
            }
        }
        for (String n : availability.keySet()) {
            if (!names.contains(n)) {
                names.add(n);
            }
        }
        return names;
    }

    private static void checkKey(String key, String where) {
        if (key.equals("*") || HardwareProfiles.opByName(key) != null || HardwareProfiles.categoryByName(key) != null) {
            return;
        }
        throw new InvalidArgumentException("dispatch: " + where + " names '" + key + "', which is neither an op "
                + "name (gemm, relu, softmax, ...) nor a category (gemm, elementwise, activation, "
                + "activation_backward, softmax, loss, reduction, dropout, optimizer) nor *");
    }

    private static void checkBackend(String backend, String where) {
        if (!HardwareProfiles.knownBackends().contains(backend)) {
            throw new InvalidArgumentException("dispatch: " + where + " names backend '" + backend + "'; known: "
                    + HardwareProfiles.knownBackends());
        }
    }
}
