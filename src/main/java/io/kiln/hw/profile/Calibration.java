package io.kiln.hw.profile;

import io.kiln.core.Backend;
import io.kiln.core.Backends;
import io.kiln.hw.profile.HardwareProfile.Bandwidth;
import io.kiln.hw.profile.HardwareProfile.Caches;
import io.kiln.hw.profile.HardwareProfile.CalibrationRecord;
import io.kiln.hw.profile.HardwareProfile.CpuMatch;
import io.kiln.hw.profile.HardwareProfile.Match;
import java.io.IOException;
import java.io.PrintStream;
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
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.function.IntToDoubleFunction;

/**
 * {@code kiln calibrate}: measures this machine's roofs and writes them as a new profile.
 *
 * <ol>
 *   <li><b>Clock</b>: a chain of dependent 64-bit squarings ({@code x = x·x}, 3-cycle {@code imul} latency on
 *       x86-64) gives cycles per second; also reads {@code /proc/cpuinfo}'s MHz (in a VM, the TSC rate). The chain
 *       is the figure used on x86-64, the OS figure elsewhere; the record says which.</li>
 *   <li><b>Vector check</b>: the Vector API FMA loop against its scalar twin on one thread. Below
 *       {@value #MIN_VECTOR_SPEEDUP}× the Vector API is not being compiled to vector instructions; the profile is
 *       marked ({@code vectorApiCompiled: false}) and dispatch then keeps ops off the simd backend.</li>
 *   <li><b>Peak FP32</b>: {@value CalibrationKernels#CHAINS} independent vector FMA chains per thread, on 1..N
 *       threads started together; best of the trials.</li>
 *   <li><b>Bandwidth</b>: STREAM copy (8 bytes per element) and triad (12 bytes per element, write-allocate traffic
 *       not counted, as STREAM) over three arrays allocated and pre-touched once, on 1..N threads. Each trial
 *       streams a quarter of the arrays, at a different place each time; trials in which a thread lost its core to
 *       another process are set aside; best of the rest.</li>
 *   <li><b>SIMD GEMM</b>: when a {@code simd} backend is available, its GEMM rate at 512³ against the measured peak.
 *       The SPI has no way to hand a backend another blocking, so this is a check, not a sweep.</li>
 * </ol>
 *
 * The other core of a small machine may be busy with other work: peaks are the best of several trials, and the
 * result notes when N threads scale poorly.
 */
public final class Calibration {
    /** The Vector API must beat its scalar twin by this factor to count as compiled to vector instructions. */
    public static final double MIN_VECTOR_SPEEDUP = 3.0;

    /**
     * @param quick      shorter trials and smaller arrays (about 20 s instead of about a minute)
     * @param maxThreads threads to measure up to (0: the cores this process can use)
     * @param trials     repetitions of each measurement; the best is kept (0: 5, quick 2)
     * @param arrayMiB   size of each of the three bandwidth arrays (0: 256, quick 64)
     * @param id         id of the written profile (null: the matched profile's id + {@code -calibrated})
     * @param out        file to write the profile to (null: do not write)
     * @param simdGemm   time the simd backend's GEMM when it is available (about 2 s)
     * @param command    the command line to record in the profile
     */
    public record Options(boolean quick, int maxThreads, int trials, int arrayMiB, String id, Path out,
                          boolean simdGemm, String command) {
        public static Options defaults() {
            return new Options(false, 0, 0, 0, null, null, true, "kiln calibrate");
        }

        public static Options quickRun() {
            return new Options(true, 0, 0, 0, null, null, true, "kiln calibrate --quick");
        }

        int trialsOrDefault() {
            return trials > 0 ? trials : quick ? 2 : 5;
        }

        int arrayMiBOrDefault() {
            return arrayMiB > 0 ? arrayMiB : quick ? 64 : 256;
        }

        double fmaSeconds() {
            return quick ? 0.1 : 0.3;
        }
    }

    /**
     * Everything measured; lists are indexed by thread count − 1.
     *
     * @param clockGHz        the clock used (chain on x86-64, else the OS figure)
     * @param clockSource     how it was obtained
     * @param chainClockGHz   the dependent-multiply estimate (NaN when not run)
     * @param cpuinfoMhz      {@code /proc/cpuinfo} cpu MHz (NaN when absent)
     * @param vectorGflops    one thread, Vector API FMA chains
     * @param scalarGflops    one thread, scalar FMA chains
     * @param fmaGflops       vector FMA GFLOP/s on 1..N threads
     * @param copyGBs         copy GB/s on 1..N threads
     * @param triadGBs        triad GB/s on 1..N threads
     * @param simdGemmGflops  simd backend GEMM 512³ GFLOP/s, NaN when no simd backend
     * @param notes           caveats found while measuring
     */
    public record Result(double clockGHz, String clockSource, double chainClockGHz, double cpuinfoMhz,
                         double vectorGflops, double scalarGflops, double[] fmaGflops, double[] copyGBs,
                         double[] triadGBs, long arrayBytes, int trials, double simdGemmGflops, List<String> notes) {
        public double vectorSpeedup() {
            return vectorGflops / scalarGflops;
        }

        public boolean vectorApiCompiled() {
            return vectorSpeedup() > MIN_VECTOR_SPEEDUP;
        }

        /** Measured FP32 FLOP per cycle of one core. */
        public double flopPerCyclePerCore() {
            return fmaGflops[0] / clockGHz;
        }
    }

    private Calibration() {
    }

    // ---------------------------------------------------------------------------------------------- entry

    /**
     * Detects the host, matches a profile, measures, prints progress and the difference to the matched profile
     * on {@code out}, and writes the new profile when {@code options.out()} is set. Returns the new profile.
     */
    public static HardwareProfile run(Options options, PrintStream out) throws IOException {
        HostFacts host = HostFacts.detect();
        ProfileMatcher.ProfileMatch matched = ProfileMatcher.shipped().matchCpu(host);
        out.println("host: " + host.summary());
        out.println("matched profile: " + matched.profile().id() + " (score " + matched.score() + ")");
        Result r = measure(host, options, out);
        HardwareProfile calibrated = toProfile(matched, host, r, options);
        out.println();
        printResult(r, out);
        out.println();
        out.println("difference to " + matched.profile().id() + " (as resolved for this host):");
        for (String line : diff(matched.profile(), calibrated)) {
            out.println("  " + line);
        }
        if (options.out() != null) {
            HardwareProfiles.write(calibrated, options.out());
            out.println();
            out.println("wrote " + options.out());
        }
        return calibrated;
    }

    /** Runs every measurement (progress on {@code log}). */
    public static Result measure(HostFacts host, Options options, PrintStream log) {
        int maxThreads = options.maxThreads() > 0 ? options.maxThreads() : host.usableCores();
        int trials = options.trialsOrDefault();
        List<String> notes = new ArrayList<>();

        // --- clock
        double cpuinfoMhz = host.cpuMhz() == null ? Double.NaN : host.cpuMhz();
        double chain = Double.NaN;
        String clockSource;
        double clock;
        if ("x86_64".equals(host.arch())) {
            log.print("clock (dependent imul chain) ");
            chain = bestOf(trials + 1, t -> chainClockGHz(options.quick() ? 50_000_000 : 200_000_000), log);
            log.println(String.format(Locale.ROOT, "%.3f GHz", chain));
            if (chain > 0.3 && chain < 8) {
                clock = chain;
                clockSource = String.format(Locale.ROOT, "dependent 64-bit multiply chain (%d-cycle imul latency), "
                        + "best of %d", CalibrationKernels.MULTIPLY_LATENCY_CYCLES, trials + 1);
            } else {
                clock = cpuinfoMhz / 1000;
                clockSource = "/proc/cpuinfo cpu MHz (the multiply chain gave an implausible " + chain + " GHz)";
                notes.add("the multiply-chain clock estimate was implausible; /proc/cpuinfo used");
            }
        } else if (host.maxMhz() != null) {
            clock = host.maxMhz() / 1000;
            clockSource = "cpufreq cpuinfo_max_freq (no latency-based estimate on " + host.arch() + ")";
        } else if (!Double.isNaN(cpuinfoMhz)) {
            clock = cpuinfoMhz / 1000;
            clockSource = "/proc/cpuinfo cpu MHz (no latency-based estimate on " + host.arch() + ")";
        } else {
            clock = 2.0;
            clockSource = "assumed 2.0 GHz: no clock figure on " + host.arch();
            notes.add("no clock figure: FLOP/cycle figures assume 2.0 GHz");
        }
        if (!Double.isNaN(chain) && !Double.isNaN(cpuinfoMhz)) {
            notes.add(String.format(Locale.ROOT, "core clock %.2f GHz (imul chain) vs %.0f MHz in /proc/cpuinfo: "
                    + "a VM reports its TSC rate there, not the turbo clock", chain, cpuinfoMhz));
        }

        // --- vector check (one thread)
        log.print("vector vs scalar FMA (1 thread) ");
        double vec = bestOf(trials, t -> fmaGflops(1, options.fmaSeconds(), true)[0], log);
        double sca = bestOf(trials, t -> fmaGflops(1, options.fmaSeconds() / 2, false)[0], log);
        log.println(String.format(Locale.ROOT, "%.1f vs %.1f GFLOP/s (%.1fx)", vec, sca, vec / sca));
        if (vec / sca <= MIN_VECTOR_SPEEDUP) {
            notes.add(String.format(Locale.ROOT, "the Vector API is NOT compiled to vector instructions here "
                    + "(%.1fx over scalar, need > %.0fx): profile marked vectorApiCompiled=false, dispatch keeps ops "
                    + "off the simd backend", vec / sca, MIN_VECTOR_SPEEDUP));
        }

        // --- peak FMA on 1..N threads
        double[] fma = new double[maxThreads];
        fma[0] = vec;
        for (int n = 2; n <= maxThreads; n++) {
            int threads = n;
            log.print("FMA peak, " + n + " threads ");
            fma[n - 1] = bestOf(trials, t -> sum(fmaGflops(threads, options.fmaSeconds(), true)), log);
            log.println(String.format(Locale.ROOT, "%.1f GFLOP/s", fma[n - 1]));
        }

        // --- bandwidth on 1..N threads
        int mib = options.arrayMiBOrDefault();
        int n = mib * (1 << 20) / 4;
        log.print("allocating and touching 3 x " + mib + " MiB ");
        float[] a = new float[n], b = new float[n], c = new float[n];
        Arrays.fill(a, 1f);
        Arrays.fill(b, 2f);
        Arrays.fill(c, 0.5f);
        log.println("done");
        warmStreams(a, b, c);
        double[] copy = new double[maxThreads];
        double[] triad = new double[maxThreads];
        int[] contended = new int[2];
        List<String> allContended = new ArrayList<>();
        int window = windowElements(n);
        int streamTrials = 6 * trials;
        for (int threads = 1; threads <= maxThreads; threads++) {
            int th = threads;
            log.print("copy, " + threads + " thread" + (threads > 1 ? "s " : " "));
            int before = contended[0];
            copy[threads - 1] = bestStream(streamTrials, t -> streamGBs(th, a, b, c, false,
                    windowOffset(t, n, window), window), contended, log);
            if (contended[0] - before == streamTrials) {
                allContended.add("copy on " + threads + " thread" + (threads > 1 ? "s" : ""));
            }
            log.println(String.format(Locale.ROOT, "%.1f GB/s", copy[threads - 1]));
            log.print("triad, " + threads + " thread" + (threads > 1 ? "s " : " "));
            before = contended[0];
            triad[threads - 1] = bestStream(streamTrials, t -> streamGBs(th, a, b, c, true,
                    windowOffset(t, n, window), window), contended, log);
            if (contended[0] - before == streamTrials) {
                allContended.add("triad on " + threads + " thread" + (threads > 1 ? "s" : ""));
            }
            log.println(String.format(Locale.ROOT, "%.1f GB/s", triad[threads - 1]));
        }
        if (contended[0] > 0) {
            notes.add(String.format(Locale.ROOT, "%d of %d bandwidth trials had a thread descheduled for over 10%% "
                    + "of the trial (other processes on the cores) and were set aside", contended[0], contended[1]));
        }
        if (!allContended.isEmpty()) {
            notes.add("every trial of " + String.join(", ", allContended) + " was contended: those figures are the "
                    + "best contended trial and understate the machine; calibrate again on a quiet machine");
        }
        if (maxThreads > 1) {
            double scale = fma[maxThreads - 1] / fma[0];
            if (scale < 0.8 * maxThreads) {
                notes.add(String.format(Locale.ROOT, "FMA on %d threads is %.2fx one thread (ideal %d, each thread "
                        + "timed by its own CPU time): the cores share FMA units (SMT) or throttle", maxThreads, scale,
                        maxThreads));
            }
        }

        // --- simd GEMM check
        double simdGemm = options.simdGemm() ? simdGemmGflops(log) : Double.NaN;
        if (!options.simdGemm()) {
            notes.add("SIMD GEMM check skipped");
        } else if (!Double.isNaN(simdGemm)) {
            notes.add(String.format(Locale.ROOT, "simd backend GEMM 512^3: %.1f GFLOP/s (best of 20 after 1 s of "
                    + "warm-up, wall time) = %.0f%% of the measured %d-thread FMA peak (its own blocking; the SPI "
                    + "cannot set another, so no sweep)", simdGemm,
                    100 * simdGemm / fma[maxThreads - 1], maxThreads));
        } else {
            notes.add("no simd backend on the class path: SIMD GEMM blocking was not checked or swept");
        }
        return new Result(clock, clockSource, chain, cpuinfoMhz, vec, sca, fma, copy, triad, 3L * n * 4, trials,
                simdGemm, notes);
    }

    // -------------------------------------------------------------------------------------------- kernels

    /**
     * One chain-clock measurement: steps × latency / the thread's CPU time (so time the thread spent descheduled,
     * while other processes had the core, does not count).
     */
    static double chainClockGHz(int steps) {
        // warm the loop up until C2 has compiled it (the JIT idle for 100 ms)
        JitActivity.warmUntilIdle(() -> sink ^= CalibrationKernels.dependentMultiplyChain(100_000,
                0x9E3779B97F4A7C15L, 0), 20, 100_000_000L, 10_000_000_000L);
        long t0 = cpuNanos();
        sink ^= CalibrationKernels.dependentMultiplyChain(steps, 0x9E3779B97F4A7C15L, 0);
        long ns = cpuNanos() - t0;
        return (double) steps * CalibrationKernels.MULTIPLY_LATENCY_CYCLES / ns;
    }

    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();

    /** CPU time of the calling thread in ns (wall time where the JVM cannot measure it). */
    static long cpuNanos() {
        return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
    }

    /**
     * GFLOP/s of each of {@code threads} threads running FMA chains together for about {@code seconds}, each over
     * its own CPU time: the rate of a core while it runs the loop, whatever else shares the machine.
     */
    static double[] fmaGflops(int threads, double seconds, boolean vector) {
        int probe = 200_000;
        // until C2 has compiled the loop: before, the Vector API runs boxed, orders of magnitude slower
        JitActivity.warmUntilIdle(() -> sinkF += vector ? CalibrationKernels.vectorFma(probe / 10, 0.9999f, 1e-4f)
                : CalibrationKernels.scalarFma(probe / 10, 0.9999f, 1e-4f), 30, 100_000_000L, 10_000_000_000L);
        long t0 = System.nanoTime();
        sinkF += vector ? CalibrationKernels.vectorFma(probe, 0.9999f, 1e-4f)
                : CalibrationKernels.scalarFma(probe, 0.9999f, 1e-4f);
        double perIter = Math.max(1e-10, (System.nanoTime() - t0) / 1e9 / probe);
        int iterations = (int) Math.min(Integer.MAX_VALUE - 1, seconds / perIter);
        double flops = vector ? CalibrationKernels.vectorFmaFlops(iterations)
                : CalibrationKernels.scalarFmaFlops(iterations);
        double[][] spans = parallel(threads, t -> {
            float r = vector ? CalibrationKernels.vectorFma(iterations, 0.9999f, 1e-4f)
                    : CalibrationKernels.scalarFma(iterations, 0.9999f, 1e-4f);
            sinkF += r;
        });
        double[] out = new double[threads];
        for (int t = 0; t < threads; t++) {
            out[t] = flops / (spans[t][3] - spans[t][2]);
        }
        return out;
    }

    private static void warmStreams(float[] a, float[] b, float[] c) {
        int len = Math.min(a.length, 1 << 14);
        JitActivity.warmUntilIdle(() -> {
            CalibrationKernels.copy(b, a, 0, len);
            CalibrationKernels.triad(a, b, c, 0.5f, 0, len);
        }, 400, 100_000_000L, 10_000_000_000L);
    }

    /**
     * Elements of each array one bandwidth trial streams: a quarter of the array (64 MiB of each 256 MiB array by
     * default), so a trial takes tens of milliseconds - short enough to often fall between the time slices of other
     * processes on a busy machine - while still moving far more than this guest's share of the L3.
     */
    static int windowElements(int n) {
        return Math.max(16, (n / 4) & ~15);
    }

    /** Trial {@code t}'s window start: successive trials walk through the arrays, so none finds the last in cache. */
    static int windowOffset(int t, int n, int window) {
        int slots = Math.max(1, n / window);
        return (t % slots) * window;
    }

    /**
     * GB/s of {@code threads} threads together, each streaming its slice of {@code [offset, offset + len)} once,
     * over wall time (bandwidth is shared, so the threads must really run at once). A trial in which some thread was
     * descheduled for more than 10% of it returns the negated rate, so callers can tell.
     */
    static double streamGBs(int threads, float[] a, float[] b, float[] c, boolean triad, int offset, int len) {
        int n = len;
        int passes = 1;
        double[][] spans = parallel(threads, t -> {
            int chunk = (len / threads) & ~15;
            int from = offset + t * chunk;
            int to = t == threads - 1 ? offset + len : from + chunk;
            for (int p = 0; p < passes; p++) {
                if (triad) {
                    CalibrationKernels.triad(a, b, c, 0.5f, from, to);
                } else {
                    CalibrationKernels.copy(b, a, from, to);
                }
            }
        });
        long start = Long.MAX_VALUE, end = Long.MIN_VALUE;
        boolean contended = false;
        for (double[] s : spans) {
            start = Math.min(start, (long) s[0]);
            end = Math.max(end, (long) s[1]);
            contended |= (s[3] - s[2]) < 0.9 * (s[1] - s[0]);
        }
        double bytes = (double) n * passes * (triad ? 12 : 8);
        double rate = bytes / (end - start);
        return contended ? -rate : rate;
    }

    /**
     * Runs {@code body} on {@code threads} fresh platform threads released together; returns each thread's
     * {wall start, wall end, CPU-time start, CPU-time end} in nanoseconds.
     */
    static double[][] parallel(int threads, java.util.function.IntConsumer body) {
        double[][] spans = new double[threads][4];
        CyclicBarrier barrier = new CyclicBarrier(threads);
        Thread[] ts = new Thread[threads];
        Throwable[] failure = new Throwable[1];
        for (int t = 0; t < threads; t++) {
            int id = t;
            ts[t] = new Thread(() -> {
                try {
                    barrier.await();
                    long c = cpuNanos();
                    long s = System.nanoTime();
                    body.accept(id);
                    spans[id][1] = System.nanoTime();
                    spans[id][3] = cpuNanos();
                    spans[id][0] = s;
                    spans[id][2] = c;
                } catch (InterruptedException | BrokenBarrierException e) {
                    Thread.currentThread().interrupt();
                } catch (Throwable e) {
                    failure[0] = e;
                }
            }, "kiln-calibrate-" + t);
            ts[t].start();
        }
        for (Thread t : ts) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("calibration interrupted", e);
            }
        }
        if (failure[0] != null) {
            throw new IllegalStateException("calibration thread failed", failure[0]);
        }
        return spans;
    }

    private static double simdGemmGflops(PrintStream log) {
        Map<String, Optional<String>> avail = Backends.availability();
        if (!avail.containsKey("simd") || avail.get("simd").isPresent()) {
            return Double.NaN;
        }
        log.print("simd GEMM 512^3 ");
        Backend be = Backends.select("simd");
        int n = 512;
        try (var a = be.allocate(n, n); var b = be.allocate(n, n); var c = be.allocate(n, n)) {
            be.fill(a, 0.5f);
            be.fill(b, 0.25f);
            long warm = System.nanoTime();
            while (System.nanoTime() - warm < 1_000_000_000L) { // let C2 compile the micro-kernels first
                be.gemm(false, false, 1f, a, b, 0f, c);
                be.synchronize();
            }
            double best = 0;
            for (int i = 0; i < 20; i++) {
                long t0 = System.nanoTime();
                be.gemm(false, false, 1f, a, b, 0f, c);
                be.synchronize();
                best = Math.max(best, 2.0 * n * n * n / (System.nanoTime() - t0));
            }
            log.println(String.format(Locale.ROOT, "%.1f GFLOP/s", best));
            return best;
        }
    }

    /**
     * Best uncontended trial (see {@link #streamGBs}); the best contended one when all were contended.
     * {@code contended} counts {contended trials, all trials}.
     */
    private static double bestStream(int trials, IntToDoubleFunction f, int[] contended, PrintStream log) {
        double best = 0, bestContended = 0;
        for (int t = 0; t < trials; t++) {
            double r = f.applyAsDouble(t);
            contended[1]++;
            if (r < 0) {
                contended[0]++;
                bestContended = Math.max(bestContended, -r);
                log.print('~');
            } else {
                best = Math.max(best, r);
                log.print('.');
            }
        }
        log.print(' ');
        return best > 0 ? best : bestContended;
    }

    private static double bestOf(int trials, IntToDoubleFunction f, PrintStream log) {
        double best = 0;
        for (int t = 0; t < trials; t++) {
            best = Math.max(best, f.applyAsDouble(t));
            log.print('.');
        }
        log.print(' ');
        return best;
    }

    private static double sum(double[] xs) {
        double s = 0;
        for (double x : xs) {
            s += x;
        }
        return s;
    }

    static volatile long sink;
    static volatile float sinkF;

    // ------------------------------------------------------------------------------------------- the profile

    /**
     * The calibrated profile: the matched profile with the measured clock, FMA units (measured FLOP/cycle over
     * 2 × lanes, rounded), cores, caches (detected), bandwidth and vector check, and a record of the run.
     */
    public static HardwareProfile toProfile(ProfileMatcher.ProfileMatch matched, HostFacts host, Result r,
                                            Options options) {
        HardwareProfile base = matched.profile();
        String date = LocalDate.now(ZoneOffset.UTC).toString();
        String measuredHere = "measured here on " + date + " with `" + options.command() + "`";
        int width = host.vectorBits() > 0 ? host.vectorBits() : base.vectorWidthBits();
        int lanes = width / 32;
        int fmaUnits = (int) Math.max(1, Math.round(r.flopPerCyclePerCore() / (2.0 * lanes)));
        double peak = lanes * fmaUnits * 2.0;
        int cores = r.fmaGflops().length;
        Caches caches = new Caches(host.l1dBytes() != null ? host.l1dBytes() : base.caches().l1dBytes(),
                host.l2Bytes() != null ? host.l2Bytes() : base.caches().l2Bytes(),
                host.l3Bytes() != null ? host.l3Bytes() : base.caches().l3Bytes());
        double[] triad = r.triadGBs();
        Bandwidth bw = new Bandwidth(round(triad[0], 1), round(Arrays.stream(triad).max().orElse(triad[0]), 1));
        Map<String, String> sources = new LinkedHashMap<>(base.sources());
        sources.remove("default");
        sources.put("cores", "processors this JVM may use, capped at physical cores (" + measuredHere + ")");
        sources.put("clockGHz", measuredHere + ": " + r.clockSource());
        sources.put("vectorWidthBits", "Vector API FloatVector.SPECIES_PREFERRED on this host");
        sources.put("fmaUnitsPerCore", String.format(Locale.ROOT, "%s: one thread of %d independent FMA chains "
                        + "ran %.1f GFLOP/s = %.1f FLOP/cycle at %.3f GHz = %d FMA units x %d lanes x 2", measuredHere,
                CalibrationKernels.CHAINS, r.fmaGflops()[0], r.flopPerCyclePerCore(), r.clockGHz(), fmaUnits, lanes));
        sources.put("peakFp32FlopPerCyclePerCore", "computed: " + lanes + " lanes x " + fmaUnits
                + " FMA units x 2 FLOP");
        sources.put("caches", "/sys/devices/system/cpu/cpu0/cache on this host");
        sources.put("memoryBandwidthGBs", String.format(Locale.ROOT, "%s: STREAM triad (12 bytes/element, "
                + "write-allocate not counted) over %d MiB windows of 3 x %d MiB arrays, best uncontended of %d "
                + "trials; oneThread on 1 thread, allThreads the best over 1..%d threads", measuredHere,
                r.arrayBytes() / 12 >> 20, r.arrayBytes() / 3 >> 20, 6 * r.trials(), cores));
        sources.put("vectorApiCompiled", String.format(Locale.ROOT, "%s: Vector API FMA loop %.1fx its scalar twin "
                + "(> %.0fx required)", measuredHere, r.vectorSpeedup(), MIN_VECTOR_SPEEDUP));
        Match match = base.match();
        if (Boolean.TRUE.equals(match.fallback()) || base.derive() != null) {
            List<String> flags = new ArrayList<>();
            for (String f : List.of("avx512f", "avx2", "fma", "asimd")) {
                if (host.hasFlag(f)) {
                    flags.add(f);
                }
            }
            match = new Match(new CpuMatch(host.arch(), host.vendor(), host.family(),
                    host.model() == null ? null : List.of(String.valueOf(host.model())), false, flags), null, null);
            sources.put("match", "this host's vendor, family, model and SIMD flags (" + measuredHere + ")");
        }
        List<String> notes = new ArrayList<>(r.notes());
        CalibrationRecord record = new CalibrationRecord(date, options.command(), host.summary(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                Double.isNaN(r.chainClockGHz()) ? null : round(r.chainClockGHz(), 3),
                Double.isNaN(r.cpuinfoMhz()) ? null : r.cpuinfoMhz(), r.clockSource(), rounded(r.fmaGflops()),
                rounded(r.copyGBs()), rounded(r.triadGBs()), r.arrayBytes(), round(r.vectorSpeedup(), 2),
                r.trials(), notes);
        String id = options.id() != null ? options.id() : base.id() + "-calibrated";
        String description = options.id() != null && options.id().equals(base.id()) ? base.description()
                : "calibrated on " + host.summary() + " (from " + base.id() + ")";
        return new HardwareProfile(HardwareProfile.SCHEMA_VERSION, id, description, HardwareProfile.DEVICE_CPU, match,
                null, cores, round(r.clockGHz(), 3), width, fmaUnits, peak, caches, bw, r.vectorApiCompiled(),
                base.simdGemm(), base.openclGemm(), base.dispatch(), sources, record);
    }

    /** Field-by-field difference: field, matched value, calibrated value, change. */
    public static List<String> diff(HardwareProfile before, HardwareProfile after) {
        List<String> out = new ArrayList<>();
        out.add(String.format(Locale.ROOT, "%-34s %14s %14s %9s", "field", before.id().length() > 14 ? "matched"
                : before.id(), "calibrated", "change"));
        row(out, "cores", before.cores(), after.cores());
        row(out, "clockGHz", before.clockGHz(), after.clockGHz());
        row(out, "vectorWidthBits", before.vectorWidthBits(), after.vectorWidthBits());
        row(out, "fmaUnitsPerCore", before.fmaUnitsPerCore(), after.fmaUnitsPerCore());
        row(out, "peakFp32FlopPerCyclePerCore", before.peakFp32FlopPerCyclePerCore(),
                after.peakFp32FlopPerCyclePerCore());
        row(out, "peak GFLOP/s (all cores)", before.peakGflops(), after.peakGflops());
        row(out, "memoryBandwidthGBs.oneThread", before.memoryBandwidthGBs() == null ? null
                : before.memoryBandwidthGBs().oneThread(), after.memoryBandwidthGBs().oneThread());
        row(out, "memoryBandwidthGBs.allThreads", before.memoryBandwidthGBs() == null ? null
                : before.memoryBandwidthGBs().allThreads(), after.memoryBandwidthGBs().allThreads());
        row(out, "caches.l1dBytes", before.caches().l1dBytes(), after.caches().l1dBytes());
        row(out, "caches.l2Bytes", before.caches().l2Bytes(), after.caches().l2Bytes());
        row(out, "caches.l3Bytes", before.caches().l3Bytes(), after.caches().l3Bytes());
        row(out, "vectorApiCompiled", before.vectorApiCompiled(), after.vectorApiCompiled());
        return out;
    }

    private static void row(List<String> out, String field, Object a, Object b) {
        String change = "";
        if (a instanceof Number x && b instanceof Number y && x.doubleValue() != 0) {
            double pct = 100 * (y.doubleValue() - x.doubleValue()) / x.doubleValue();
            change = Math.abs(pct) < 0.05 ? "=" : String.format(Locale.ROOT, "%+.1f%%", pct);
        } else if (a == null && b != null) {
            change = "new";
        } else if (a != null && a.equals(b)) {
            change = "=";
        }
        out.add(String.format(Locale.ROOT, "%-34s %14s %14s %9s", field, fmt(a), fmt(b), change));
    }

    private static String fmt(Object o) {
        if (o == null) {
            return "-";
        }
        if (o instanceof Double d) {
            return String.format(Locale.ROOT, "%.4g", d);
        }
        return o.toString();
    }

    /** Prints the measured figures. */
    public static void printResult(Result r, PrintStream out) {
        out.println(String.format(Locale.ROOT, "clock: %.3f GHz (%s)", r.clockGHz(), r.clockSource()));
        out.println(String.format(Locale.ROOT, "vector check: Vector API %.1f GFLOP/s vs scalar %.1f on one thread "
                + "= %.1fx -> %s", r.vectorGflops(), r.scalarGflops(), r.vectorSpeedup(), r.vectorApiCompiled()
                ? "compiled to vector instructions" : "NOT vectorized"));
        for (int t = 0; t < r.fmaGflops().length; t++) {
            out.println(String.format(Locale.ROOT, "%d thread%s: FMA %.1f GFLOP/s (%.1f FLOP/cycle/core), copy %.1f "
                            + "GB/s, triad %.1f GB/s", t + 1, t == 0 ? " " : "s", r.fmaGflops()[t],
                    r.fmaGflops()[t] / (t + 1) / r.clockGHz(), r.copyGBs()[t], r.triadGBs()[t]));
        }
        for (String n : r.notes()) {
            out.println("note: " + n);
        }
    }

    private static Double round(double x, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(x * f) / f;
    }

    private static List<Double> rounded(double[] xs) {
        List<Double> out = new ArrayList<>();
        for (double x : xs) {
            out.add(round(x, 1));
        }
        return out;
    }
}
