package io.kiln.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.kiln.core.Backend;
import io.kiln.core.Backends;
import io.kiln.core.KilnException;
import io.kiln.hw.HostInfo;
import io.kiln.core.Op;
import io.kiln.hw.profile.DispatchRules;
import io.kiln.hw.profile.HardwareProfile;
import io.kiln.hw.profile.HostFacts;
import io.kiln.hw.profile.OpenClDeviceFacts;
import io.kiln.hw.profile.ProfileMatcher;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code kiln hw}: what the JVM sees of this machine, and which backends can run on it. */
@Command(name = "hw",
        mixinStandardHelpOptions = true,
        description = {"Print what the JVM sees of this machine: CPU model and flags, caches, memory, OS, JVM, the "
                + "Vector API's preferred float species, and each backend with whether it can load here (and why "
                + "not).",
                "The backend line shows what --backend (or kiln.backend, else auto) selects."})
final class HwCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @ParentCommand
    private KilnCli parent;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    private boolean json;

    @Option(names = "--explain", description = "Print, for every op of the catalog at a small and a large size, "
            + "the backend the matched profiles' dispatch rules choose and the rule that chose it (overrides: "
            + "-Dkiln.dispatch.<op or category>=<backend>).")
    private boolean explain;

    /** A backend and whether it can load here. */
    record BackendStatus(String name, boolean available, String reason) {
    }

    /** The backend that {@code --backend}/{@code kiln.backend}/auto selects, or why none can be. */
    record Selection(String asked, String name, String description, String error) {
    }

    /** Everything {@code kiln hw} prints. */
    record Report(HostInfo host, List<BackendStatus> backends, Selection selected, List<String> profileMatch) {
    }

    @Override
    public Integer call() throws Exception {
        HostInfo host = HostInfo.detect();
        List<BackendStatus> backends = new ArrayList<>();
        for (Map.Entry<String, Optional<String>> e : Backends.availability().entrySet()) {
            backends.add(new BackendStatus(e.getKey(), e.getValue().isEmpty(), e.getValue().orElse(null)));
        }
        String asked = parent.backend() != null ? parent.backend()
                : System.getProperty(Backends.PROPERTY, Backends.AUTO);
        Selection selected;
        try {
            Backend b = Backends.select(asked);
            selected = new Selection(asked, b.name(), b.description(), null);
        } catch (KilnException e) {
            if (parent.backend() != null) {
                throw e; // asked for on the command line: an error, not a report line
            }
            selected = new Selection(asked, null, null, e.getMessage());
        }
        List<String> profileMatch;
        try {
            profileMatch = ProfileMatcher.shipped().describeHost(host, true);
        } catch (KilnException e) {
            profileMatch = List.of("no hardware profile: " + e.getMessage());
        }
        Report report = new Report(host, backends, selected, profileMatch);
        if (explain) {
            PrintWriter out = spec.commandLine().getOut();
            out.print(explainDispatch(host));
            out.flush();
            return 0;
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            out.println(mapper.writeValueAsString(report));
        } else {
            out.print(text(report));
        }
        out.flush();
        return 0;
    }

    /** Each op's dispatch decision at a small and a large size, with the rule that chose it. */
    static String explainDispatch(HostInfo info) {
        HostFacts facts = HostFacts.from(info).withOpenClDevices(OpenClDeviceFacts.detect());
        ProfileMatcher matcher = ProfileMatcher.shipped();
        ProfileMatcher.ProfileMatch cpu = matcher.matchCpu(facts);
        HardwareProfile[] devices = matcher.matchOpenCl(facts, cpu.profile()).stream()
                .map(ProfileMatcher.ProfileMatch::profile).toArray(HardwareProfile[]::new);
        DispatchRules rules = DispatchRules.of(cpu.profile(), devices);
        StringBuilder sb = new StringBuilder("Dispatch by the rules of " + cpu.profile().id()
                + (devices.length == 0 ? "" : " and " + java.util.Arrays.stream(devices).map(HardwareProfile::id)
                .collect(java.util.stream.Collectors.joining(", "))) + "\n");
        for (Op op : Op.values()) {
            for (long n : new long[] {1_000, 4_000_000}) {
                long[] args = switch (op.costArgs().split(",").length - (op.costArgs().contains("[") ? 1 : 0)) {
                    case 1 -> new long[] {n};
                    case 2 -> new long[] {Math.max(1, n / 1000), 1000};
                    case 3 -> {
                        long d = Math.round(Math.cbrt(n * 64.0));
                        yield new long[] {d, d, d};
                    }
                    default -> {
                        long d = Math.round(Math.cbrt(n * 4.0));
                        yield new long[] {4, d, d, d};
                    }
                };
                String sizes = java.util.Arrays.toString(args);
                String label = op.costArgs().replaceAll("\\[.*\\]", "").replace(" ", "") + "="
                        + sizes.replace(" ", "");
                try {
                    DispatchRules.Decision d = rules.decide(op, args);
                    sb.append(String.format("  %-24s %-26s -> %-9s %s%n", op.opName(), label, d.backend(),
                            d.because()));
                } catch (KilnException e) {
                    sb.append(String.format("  %-24s %-26s -> none: %s%n", op.opName(), label, e.getMessage()));
                }
            }
        }
        return sb.toString();
    }

    /** The human-readable report. */
    static String text(Report r) {
        HostInfo h = r.host();
        HostInfo.Cpu c = h.cpu();
        Map<String, String> rows = new LinkedHashMap<>();
        rows.put("CPU", orUnknown(c.name()) + " (" + orUnknown(c.vendor()) + ", family " + orUnknown(c.family())
                + " model " + orUnknown(c.model()) + " stepping " + orUnknown(c.stepping()) + ")");
        rows.put("Cores", c.logicalCores() + " logical, "
                + (c.physicalCores() == null ? "physical unknown" : c.physicalCores() + " physical")
                + ", " + c.availableProcessors() + " available to the JVM");
        String clock = c.mhz() == null ? "unknown" : String.format(java.util.Locale.ROOT, "%.0f MHz", c.mhz());
        if (c.maxMhz() != null) {
            clock += String.format(java.util.Locale.ROOT, " (max %.0f MHz)", c.maxMhz());
        }
        rows.put("Clock", clock);
        rows.put("Virtualized", c.virtualized() ? "yes (hypervisor flag)" : "no hypervisor flag");
        List<String> simd = c.simdFlags();
        rows.put("SIMD flags", simd.isEmpty() ? "none listed" : String.join(" ", simd));
        rows.put("CPU source", c.source());
        if (h.caches().isEmpty()) {
            rows.put("Caches", "unknown (no /sys/devices/system/cpu/cpu0/cache)");
        } else {
            List<String> parts = new ArrayList<>();
            for (HostInfo.Cache cache : h.caches()) {
                parts.add(cache.label() + " " + bytes(cache.sizeBytes())
                        + (cache.sharedWith() != null ? " (cpus " + cache.sharedWith() + ")" : ""));
            }
            Integer line = h.caches().getFirst().lineBytes();
            rows.put("Caches", String.join(", ", parts) + (line != null ? "; line " + line + " B" : ""));
        }
        rows.put("Memory", (h.memory().totalBytes() == null ? "unknown" : bytes(h.memory().totalBytes()))
                + "; JVM max heap " + bytes(h.memory().jvmMaxHeapBytes()));
        rows.put("OS", h.os().name() + " " + h.os().version() + " (" + h.os().arch() + ")");
        rows.put("JVM", h.jvm().vmName() + " " + h.jvm().version() + " (" + h.jvm().vendor() + ")");
        HostInfo.VectorApi v = h.vectorApi();
        rows.put("Vector API", v.available()
                ? "FloatVector.SPECIES_PREFERRED = " + v.species() + ": " + v.floatLanes() + " float lanes, "
                + v.bitSize() + " bits"
                : "unavailable: " + v.unavailableReason());

        StringBuilder sb = new StringBuilder("Host\n");
        rows.forEach((k, val) -> sb.append(String.format("  %-12s %s%n", k, val)));
        sb.append("Hardware profile (hw-profiles/; the best match and why)\n");
        r.profileMatch().forEach(line -> sb.append("  ").append(line).append('\n'));
        sb.append("Backends (auto picks the first available, in this order)\n");
        int width = r.backends().stream().mapToInt(b -> b.name().length()).max().orElse(8);
        for (BackendStatus b : r.backends()) {
            sb.append(String.format("  %-" + width + "s  %s%n", b.name(),
                    b.available() ? "available" : "unavailable: " + b.reason()));
        }
        Selection s = r.selected();
        sb.append(s.name() != null
                ? String.format("Selected     %s (asked for: %s): %s%n", s.name(), s.asked(), s.description())
                : String.format("Selected     none (asked for: %s): %s%n", s.asked(), s.error()));
        return sb.toString();
    }

    private static String orUnknown(String s) {
        return s == null ? "?" : s;
    }

    /** Binary units, one decimal where it is not whole. */
    static String bytes(long n) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return v == Math.rint(v) ? String.format(java.util.Locale.ROOT, "%.0f %s", v, units[u])
                : String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
