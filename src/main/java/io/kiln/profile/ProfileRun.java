package io.kiln.profile;

import io.kiln.core.Activation;
import io.kiln.core.Backend;
import io.kiln.core.Backends;
import io.kiln.core.Cost;
import io.kiln.core.InvalidArgumentException;
import io.kiln.core.Op;
import io.kiln.hw.profile.HardwareProfile;
import io.kiln.hw.profile.HardwareProfiles;
import io.kiln.hw.profile.HostFacts;
import io.kiln.hw.profile.JitActivity;
import io.kiln.hw.profile.OpenClDeviceFacts;
import io.kiln.hw.profile.ProfileMatcher;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code kiln profile}: runs every kernel of the op catalog at each {@link SizeClass} on every available backend,
 * and reports per kernel the counted FLOPs, transcendentals and bytes ({@link Op#cost}), the median time and its
 * spread over repetitions after warm-up, cycles with their source, FLOP/cycle, % of the profile's peak, arithmetic
 * intensity, and which roof binds. Prints a table and the activation table, and writes JSON and an SVG roofline.
 *
 * <p>Timing: each call is timed alone with {@link System#nanoTime()} and followed by
 * {@link Backend#synchronize()}, so asynchronous backends are timed to completion (OpenCL event profiling is not
 * used: the SPI does not expose events). Warm-up runs until a minimum count and time are reached, the call times
 * have settled ({@link #settled}) and the JIT has been idle for a while ({@link JitActivity}: C2 has compiled the
 * kernel - Vector API code runs orders of magnitude slower before, and can be stable while slow), or a maximum time
 * has passed; then repetitions until both a minimum count and time are reached. Before any kernel is timed, every
 * kernel runs at the small size until the JIT is idle ({@link #prewarm}).
 */
public final class ProfileRun {

    /**
     * @param quick     smaller memory-size tensors, shorter warm-up and measurement (about a minute per backend)
     * @param backends  backends to run (empty: every available one)
     * @param sizes     size classes (empty: all)
     * @param ops       op names to run (empty: all)
     * @param json      where to write the JSON report, or null
     * @param svg       where to write the SVG roofline, or null
     * @param cycles    {@code auto}, {@code pmu}, {@code tsc} or {@code estimated}
     * @param profile   a shipped profile id or a profile JSON file; null: the best match for this host
     * @param progress  draw the progress bar on stderr
     * @param prewarm   run every kernel until the JIT is idle before timing any ({@link #prewarm}); off only
     *                  for tests of the reporting
     * @param command   the command line, for the report
     */
    public record Options(boolean quick, List<String> backends, List<SizeClass> sizes, List<String> ops, Path json,
                          Path svg, String cycles, String profile, boolean progress, boolean prewarm,
                          String command) {
        public Options {
            backends = backends == null ? List.of() : List.copyOf(backends);
            sizes = sizes == null || sizes.isEmpty() ? List.of(SizeClass.values()) : List.copyOf(sizes);
            ops = ops == null ? List.of() : List.copyOf(ops);
            cycles = cycles == null ? "auto" : cycles;
        }

        public static Options defaults() {
            return new Options(false, List.of(), List.of(), List.of(), null, null, "auto", null, true, true,
                    "kiln profile");
        }

        long warmupNs() {
            return quick ? 15_000_000L : 100_000_000L;
        }

        /** Warm-up ends here even when the call times have not settled. */
        long warmupMaxNs() {
            return quick ? 1_000_000_000L : 4_000_000_000L;
        }

        /** Pre-warm: each kernel's small case runs this long per round. */
        long prewarmPerOpNs() {
            return quick ? 20_000_000L : 60_000_000L;
        }

        /** Pre-warm ends when the JIT has been idle this long (after at least one round)... */
        long prewarmQuietNs() {
            return quick ? 1_000_000_000L : 2_000_000_000L;
        }

        /** ...or after this long in all. */
        long prewarmMaxNs() {
            return quick ? 30_000_000_000L : 90_000_000_000L;
        }

        /** The JIT must have finished no compilation for this long before warm-up may end. */
        long jitQuietNs() {
            return quick ? 30_000_000L : 100_000_000L;
        }

        int warmupCalls() {
            return quick ? 2 : 3;
        }

        long measureNs() {
            return quick ? 40_000_000L : 250_000_000L;
        }

        int minReps() {
            return quick ? 3 : 5;
        }

        int maxReps() {
            return 20_000;
        }
    }

    private ProfileRun() {
    }

    /** Runs, prints the header, tables and file names on {@code out}, writes the files; returns the report. */
    public static ProfileReport run(Options options, PrintStream out) throws IOException {
        HostFacts host = HostFacts.detect();
        HardwareProfile cpu = chooseProfile(options.profile(), host);
        List<Backend> backends = selectBackends(options.backends());
        Map<String, HardwareProfile> roofsByBackend = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        for (Backend b : backends) {
            HardwareProfile p = cpu;
            if (!b.memory().equals(io.kiln.core.MemorySpace.HOST)) {
                p = deviceProfile(b, host, cpu, notes);
            }
            roofsByBackend.put(b.name(), p);
        }
        ProfileReport report;
        CycleClocks.Choice choice = CycleClocks.open(options.cycles(), cpu, host);
        try (CycleClock clock = choice.clock()) {
            ProgressBar bar = new ProgressBar(System.err, countCases(options, backends.size()),
                    System.console() != null && System.console().isTerminal());
            report = measure(options, host, roofsByBackend, backends, clock, choice.describe(), notes,
                    options.progress() ? bar : null);
        }
        for (String line : report.header()) {
            out.println(line);
        }
        out.println();
        out.print(report.kernelTableText());
        out.println();
        out.print(report.activationTableText());
        if (options.json() != null) {
            write(options.json(), report.toJson());
            out.println();
            out.println("wrote " + options.json());
        }
        if (options.svg() != null) {
            write(options.svg(), RooflineChart.render(report));
            out.println("wrote " + options.svg());
        }
        return report;
    }

    static HardwareProfile chooseProfile(String spec, HostFacts host) {
        ProfileMatcher matcher = ProfileMatcher.shipped();
        if (spec == null || spec.isBlank()) {
            return matcher.matchCpu(host).profile();
        }
        HardwareProfile p = spec.endsWith(".json") ? HardwareProfiles.load(Path.of(spec))
                : HardwareProfiles.shipped(spec);
        return ProfileMatcher.resolve(p, host, null, new ArrayList<>());
    }

    private static HardwareProfile deviceProfile(Backend b, HostFacts host, HardwareProfile cpu, List<String> notes) {
        HostFacts withDevices = host.withOpenClDevices(OpenClDeviceFacts.detect());
        List<ProfileMatcher.ProfileMatch> matches = ProfileMatcher.shipped().matchOpenCl(withDevices, cpu);
        String desc = b.description().toLowerCase(Locale.ROOT);
        for (ProfileMatcher.ProfileMatch m : matches) {
            if (desc.contains(m.device().deviceName().toLowerCase(Locale.ROOT))) {
                return m.profile();
            }
        }
        if (matches.size() == 1) {
            return matches.get(0).profile();
        }
        notes.add("no OpenCL profile matched the device of backend " + b.name() + " (" + b.description()
                + "); its kernels are held against the CPU roofs");
        return cpu;
    }

    static List<Backend> selectBackends(List<String> wanted) {
        Map<String, Optional<String>> avail = Backends.availability();
        List<Backend> out = new ArrayList<>();
        if (wanted.isEmpty()) {
            for (Map.Entry<String, Optional<String>> e : avail.entrySet()) {
                if (e.getValue().isEmpty()) {
                    out.add(Backends.select(e.getKey()));
                }
            }
        } else {
            for (String w : wanted) {
                out.add(Backends.select(w)); // fails with the reason when unavailable or unknown
            }
        }
        if (out.isEmpty()) {
            throw new io.kiln.core.BackendUnavailableException("profile: no backend is available: " + avail);
        }
        return out;
    }

    private static int countCases(Options o, int backends) {
        int ops = o.ops().isEmpty() ? Op.values().length : o.ops().size();
        return ops * o.sizes().size() * backends;
    }

    private static void write(Path file, String text) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------------------------------- measuring

    /** Measures every selected case on every backend (progress on {@code bar} when not null). */
    static ProfileReport measure(Options o, HostFacts host, Map<String, HardwareProfile> roofsByBackend,
                                 List<Backend> backends, CycleClock clock, String cycleDetail, List<String> notes,
                                 ProgressBar bar) {
        for (String name : o.ops()) {
            if (HardwareProfiles.opByName(name) == null) {
                throw new InvalidArgumentException("profile: unknown op '" + name + "'");
            }
        }
        List<KernelMeasurement> all = new ArrayList<>();
        for (Backend be : backends) {
            HardwareProfile roofs = roofsByBackend.get(be.name());
            Map<SizeClass, KernelCases.Pool> pools = new LinkedHashMap<>();
            Map<SizeClass, List<KernelCases.Case>> cases = new LinkedHashMap<>();
            try {
                for (SizeClass s : o.sizes()) {
                    KernelCases.Pool pool = new KernelCases.Pool(be, s, o.quick());
                    pools.put(s, pool);
                    cases.put(s, KernelCases.all(pool, s, o.quick()));
                }
                if (!pools.containsKey(SizeClass.SMALL)) {
                    KernelCases.Pool pool = new KernelCases.Pool(be, SizeClass.SMALL, o.quick());
                    pools.put(SizeClass.SMALL, pool);
                    cases.put(SizeClass.SMALL, KernelCases.all(pool, SizeClass.SMALL, o.quick()));
                }
                if (o.prewarm()) {
                    notes.add(prewarm(o, be, cases.get(SizeClass.SMALL), bar));
                }
                for (Op op : Op.values()) {
                    if (!o.ops().isEmpty() && !o.ops().contains(op.opName())) {
                        continue;
                    }
                    for (SizeClass s : o.sizes()) {
                        KernelCases.Case c = cases.get(s).get(op.ordinal());
                        if (bar != null) {
                            bar.step(be.name() + " " + op.opName() + " " + s.label());
                        }
                        all.add(measureCase(o, be, c, clock, roofs));
                    }
                }
            } finally {
                pools.values().forEach(KernelCases.Pool::close);
            }
        }
        if (bar != null) {
            bar.finish();
        }
        if (clock.source() == CycleSource.PMU) {
            notes.add("pmu cycles count the measuring thread only: kernels a backend spreads over its thread pool "
                    + "show the caller's share (time-based figures are wall time x clock)");
        } else {
            notes.add("cycles are wall time x a clock rate: a kernel spread over N cores shows wall-clock cycles, "
                    + "so FLOP/cycle is the whole machine's; % of peak is against all " + roofsByBackend.values()
                    .iterator().next().cores() + " cores");
        }
        notes.add("cache-size kernels can sit above the memory roof: their data is in L2, not DRAM");
        Map<String, ProfileReport.Roofs> roofs = new LinkedHashMap<>();
        Map<String, String> backendRoofs = new LinkedHashMap<>();
        for (Map.Entry<String, HardwareProfile> e : roofsByBackend.entrySet()) {
            roofs.putIfAbsent(e.getValue().id(), ProfileReport.Roofs.of(e.getValue()));
            backendRoofs.put(e.getKey(), e.getValue().id());
        }
        return new ProfileReport(LocalDate.now(ZoneOffset.UTC).toString(), o.command(), host.summary(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"), roofs,
                backendRoofs, clock.source().label(), cycleDetail, Cost.CONVENTION, notes, all,
                activationRows(all));
    }

    /**
     * Runs every selected kernel's small case in rounds until the JIT has been idle ({@link JitActivity}) for
     * {@link Options#prewarmQuietNs()} (or {@link Options#prewarmMaxNs()} passed), so C2 has compiled the kernels
     * before any is timed. On a busy machine C2 can take seconds to deliver a Vector API kernel, and the code that
     * runs meanwhile is stable but one to two orders of magnitude slower, which per-kernel warm-up cannot tell apart
     * from the real speed. Returns a note saying how long it took.
     */
    private static String prewarm(Options o, Backend be, List<KernelCases.Case> small, ProgressBar bar) {
        if (bar != null) {
            bar.label(be.name() + ": warming up the JIT on every kernel");
        }
        long start = System.nanoTime();
        long jit = JitActivity.now();
        long lastChange = start;
        int rounds = 0;
        while (true) {
            for (KernelCases.Case c : small) {
                if (!o.ops().isEmpty() && !o.ops().contains(c.op().opName())) {
                    continue;
                }
                long t0 = System.nanoTime();
                try {
                    do {
                        c.call().run();
                        be.synchronize();
                        if (c.reset() != null) {
                            c.reset().run();
                        }
                    } while (System.nanoTime() - t0 < o.prewarmPerOpNs());
                } catch (RuntimeException | LinkageError e) {
                    // measured (and reported) below
                }
                long now = JitActivity.now();
                if (now != jit) {
                    jit = now;
                    lastChange = System.nanoTime();
                }
            }
            rounds++;
            long now = System.nanoTime();
            if (now - lastChange >= o.prewarmQuietNs() || now - start >= o.prewarmMaxNs()) {
                boolean quiet = now - lastChange >= o.prewarmQuietNs();
                return String.format(Locale.ROOT, "%s: JIT pre-warm of every kernel (small size) took %.1f s in %d "
                                + "round(s); %s", be.name(), (now - start) / 1e9, rounds, quiet ? String.format(
                                Locale.ROOT, "the JIT was idle for the last %.1f s (%s)", o.prewarmQuietNs() / 1e9,
                                JitActivity.seesCompilerThreads() ? "compiler threads' CPU time"
                                        : "finished compilations only")
                                : "the JIT was still compiling when the time limit came");
            }
        }
    }

    private static KernelMeasurement measureCase(Options o, Backend be, KernelCases.Case c, CycleClock clock,
                                                 HardwareProfile roofs) {
        Cost cost = c.op().cost(c.costArgs());
        List<Long> args = Arrays.stream(c.costArgs()).boxed().toList();
        String category = c.op().category().name().toLowerCase(Locale.ROOT);
        try {
            long warmStart = System.nanoTime();
            int calls = 0;
            long[] recent = new long[8];
            boolean settled = false;
            long jitTime = JitActivity.now();
            long jitChanged = warmStart;
            while (true) {
                long w0 = System.nanoTime();
                c.call().run();
                be.synchronize();
                long w1 = System.nanoTime();
                recent[calls % recent.length] = w1 - w0;
                calls++;
                if (c.reset() != null) {
                    c.reset().run();
                }
                long jit = JitActivity.now();
                if (jit != jitTime) {
                    jitTime = jit;
                    jitChanged = w1;
                }
                long elapsed = System.nanoTime() - warmStart;
                settled = settled(recent, calls) && w1 - jitChanged >= o.jitQuietNs();
                if (calls >= o.warmupCalls() && elapsed >= o.warmupNs() && settled) {
                    break;
                }
                if (elapsed >= o.warmupMaxNs() || calls >= o.maxReps()) {
                    break;
                }
            }
            long[] times = new long[64];
            long[] raw = new long[64];
            long[] cpu = new long[64];
            int reps = 0;
            long measureStart = System.nanoTime();
            while (reps < o.minReps() || (System.nanoTime() - measureStart < o.measureNs() && reps < o.maxReps())) {
                if (reps == times.length) {
                    times = Arrays.copyOf(times, reps * 2);
                    raw = Arrays.copyOf(raw, reps * 2);
                    cpu = Arrays.copyOf(cpu, reps * 2);
                }
                long c0 = cpuNanos();
                long r0 = clock.read();
                long t0 = System.nanoTime();
                c.call().run();
                be.synchronize();
                long t1 = System.nanoTime();
                long r1 = clock.read();
                long c1 = cpuNanos();
                times[reps] = t1 - t0;
                raw[reps] = r1 - r0;
                cpu[reps] = c1 - c0;
                reps++;
                if (c.reset() != null) {
                    c.reset().run();
                }
            }
            KernelMeasurement m = derive(c, be.name(), roofs, category, args, cost, Arrays.copyOf(times, reps),
                    Arrays.copyOf(raw, reps), Arrays.copyOf(cpu, reps), clock);
            return m.withWarmup(calls, settled);
        } catch (RuntimeException | LinkageError e) {
            return new KernelMeasurement(c.op().opName(), category, c.size().label(), c.shape(), be.name(),
                    roofs.id(), args, cost.flops(), cost.transcendentals(), cost.bytesRead(), cost.bytesWritten(),
                    c.elements(), 0, null, null, null, null, null, null, null, clock.source().label(), null, null, null,
                    null, null, null, null, null, null, e.getClass().getSimpleName() + ": " + e.getMessage(), null, null);
        }
    }

    /** Turns the repetitions into the reported figures (package-private for tests). */
    static KernelMeasurement derive(KernelCases.Case c, String backend, HardwareProfile roofs, String category,
                                    List<Long> args, Cost cost, long[] times, long[] raw, long[] cpu,
                                    CycleClock clock) {
        int reps = times.length;
        long[] sorted = times.clone();
        Arrays.sort(sorted);
        double median = median(sorted);
        double min = sorted[0];
        double p90 = sorted[Math.min(reps - 1, (int) Math.ceil(0.9 * reps) - 1)];
        double max = sorted[reps - 1];
        double[] cyc = new double[reps];
        for (int i = 0; i < reps; i++) {
            cyc[i] = clock.cycles(raw[i], times[i]);
        }
        Arrays.sort(cyc);
        double[] onCpu = new double[reps];
        for (int i = 0; i < reps; i++) {
            onCpu[i] = 100.0 * cpu[i] / Math.max(1, times[i]);
        }
        Arrays.sort(onCpu);
        double onCpuPct = Math.min(100, reps % 2 == 1 ? onCpu[reps / 2] : (onCpu[reps / 2 - 1] + onCpu[reps / 2]) / 2);
        double cycles = reps % 2 == 1 ? cyc[reps / 2] : (cyc[reps / 2 - 1] + cyc[reps / 2]) / 2;
        long flops = cost.flops();
        long bytes = cost.bytes();
        double gflops = flops / median;
        double gbs = bytes / median;
        Double intensity = bytes == 0 ? null : (double) flops / bytes;
        double peak = roofs.peakGflops();
        double bw = roofs.bandwidthGBs();
        Double roofGflops = null, pctRoof = null;
        String bound = null;
        if (!Double.isNaN(bw) && intensity != null) {
            roofGflops = Math.min(peak, intensity * bw);
            boolean memoryBound = intensity * bw < peak;
            bound = memoryBound ? "memory" : "compute";
            pctRoof = memoryBound ? 100 * gbs / bw : 100 * gflops / peak;
        }
        return new KernelMeasurement(c.op().opName(), category, c.size().label(), c.shape(), backend, roofs.id(), args,
                flops, cost.transcendentals(), cost.bytesRead(), cost.bytesWritten(), c.elements(), reps, median,
                min, p90, max, 100 * (p90 - min) / median, onCpuPct, cycles, clock.source().label(),
                flops == 0 ? null : flops / cycles, flops == 0 ? null : gflops, bytes == 0 ? null : gbs, intensity,
                flops == 0 ? null : 100 * gflops / peak, roofGflops, pctRoof, bound,
                c.elements() == 0 ? null : cycles / c.elements(), null, null, null);
    }

    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();

    /** CPU time of the measuring thread (0 where the JVM cannot tell: then on-CPU % reads 0 and is not shown). */
    private static long cpuNanos() {
        return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : 0;
    }

    /**
     * Whether warm-up call times have settled: at least 8 calls, and the median of the last 4 within 15% of the
     * median of the 4 before (so the JIT has finished compiling what the kernel runs).
     */
    static boolean settled(long[] ring, int calls) {
        if (calls < ring.length) {
            return false;
        }
        long[] newer = new long[4], older = new long[4];
        for (int i = 0; i < 4; i++) {
            newer[i] = ring[(calls - 1 - i) % ring.length];
            older[i] = ring[(calls - 5 - i) % ring.length];
        }
        Arrays.sort(newer);
        Arrays.sort(older);
        double a = (newer[1] + newer[2]) / 2.0, b = (older[1] + older[2]) / 2.0;
        return Math.abs(a - b) <= 0.15 * b;
    }

    private static double median(long[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }

    /** The activations the table lists, in its order. */
    static final List<Activation> TABLE_ACTIVATIONS = List.of(Activation.RELU, Activation.SIGMOID, Activation.TANH,
            Activation.SILU, Activation.GELU_ERF, Activation.GELU_TANH, Activation.GELU_SIGMOID);

    static List<ProfileReport.ActivationRow> activationRows(List<KernelMeasurement> all) {
        Map<String, KernelMeasurement> byKey = new LinkedHashMap<>();
        List<String> backends = new ArrayList<>();
        for (KernelMeasurement m : all) {
            byKey.put(m.key(), m);
            if (!backends.contains(m.backend())) {
                backends.add(m.backend());
            }
        }
        List<ProfileReport.ActivationRow> rows = new ArrayList<>();
        for (Activation a : TABLE_ACTIVATIONS) {
            for (String dir : List.of("forward", "backward")) {
                Op op = dir.equals("forward") ? Op.forward(a) : Op.backward(a);
                Cost one = op.cost(1);
                for (String b : backends) {
                    KernelMeasurement small = byKey.get(op.opName() + "/small/" + b);
                    KernelMeasurement cache = byKey.get(op.opName() + "/cache/" + b);
                    KernelMeasurement mem = byKey.get(op.opName() + "/memory/" + b);
                    if (small == null && cache == null && mem == null) {
                        continue;
                    }
                    rows.add(new ProfileReport.ActivationRow(a.opName(), dir, b, one.flops(), one.transcendentals(),
                            perElement(cache), perElement(mem), perElement(small)));
                }
            }
        }
        return rows;
    }

    private static Double perElement(KernelMeasurement m) {
        return m == null || m.error() != null ? null : m.cyclesPerElement();
    }
}
