package io.kiln.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiln.core.Backend;
import io.kiln.core.Backends;
import io.kiln.core.Cost;
import io.kiln.core.Op;
import io.kiln.hw.profile.HardwareProfile;
import io.kiln.hw.profile.HardwareProfiles;
import io.kiln.hw.profile.HostFacts;
import io.kiln.hw.profile.ProfileMatcher;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ProfileRunTest {

    private static HardwareProfile profile() {
        return ProfileMatcher.resolve(HardwareProfiles.shipped("intel-xeon-sapphire-emerald-rapids-avx512"),
                HostFacts.detect(), null, new ArrayList<>());
    }

    @Test
    void everyOpOfTheCatalogHasACaseThatRuns() {
        Backend ref = Backends.select("reference");
        try (KernelCases.Pool pool = new KernelCases.Pool(ref, SizeClass.SMALL, true)) {
            List<KernelCases.Case> cases = KernelCases.all(pool, SizeClass.SMALL, true);
            assertEquals(Op.values().length, cases.size());
            for (int i = 0; i < cases.size(); i++) {
                KernelCases.Case c = cases.get(i);
                assertEquals(Op.values()[i], c.op());
                c.op().cost(c.costArgs()); // arguments fit the catalog's formula
                c.call().run();
                if (c.reset() != null) {
                    c.reset().run();
                }
            }
        }
    }

    @Test
    void derivedFiguresFollowFromTimesCostAndRoofs() {
        HardwareProfile p = profile();
        KernelCases.Case gemm = new KernelCases.Case(Op.GEMM, SizeClass.SMALL, "100x100x100",
                new long[] {100, 100, 100, 0}, 0, () -> { }, null);
        Cost cost = Op.GEMM.cost(100, 100, 100, 0);
        long[] times = {5000, 1000, 3000, 2000, 4000};
        long[] cpu = {5000, 1000, 3000, 2000, 4000};
        CycleClock clock = new CycleClock.TimeBased(CycleSource.ESTIMATED, 2.0, "test");
        KernelMeasurement m = ProfileRun.derive(gemm, "reference", p, "gemm", List.of(100L, 100L, 100L, 0L), cost,
                times, times.clone(), cpu, clock);
        assertEquals(3000, m.medianNs());
        assertEquals(1000, m.minNs());
        assertEquals(5000, m.p90Ns());
        assertEquals(100.0 * (5000 - 1000) / 3000, m.spreadPct(), 1e-9);
        assertEquals(6000, m.cycles(), 1e-9);
        assertEquals(2_000_000.0 / 6000, m.flopPerCycle(), 1e-9);
        assertEquals(2_000_000.0 / 3000, m.gflops(), 1e-9);
        assertEquals(120_000.0 / 3000, m.gbs(), 1e-9);
        assertEquals(2_000_000.0 / 120_000, m.intensity(), 1e-12);
        assertEquals(100 * m.gflops() / p.peakGflops(), m.pctPeak(), 1e-9);
        assertEquals(100.0, m.onCpuPct(), 1e-9);
        // intensity 16.7 against the ridge decides the bound
        boolean memoryBound = m.intensity() < p.ridgeIntensity();
        assertEquals(memoryBound ? "memory" : "compute", m.bound());
        assertEquals(Math.min(p.peakGflops(), m.intensity() * p.bandwidthGBs()), m.roofGflops(), 1e-9);
        assertNull(m.cyclesPerElement());

        KernelCases.Case tanh = new KernelCases.Case(Op.TANH, SizeClass.SMALL, "[4096]", new long[] {4096}, 4096,
                () -> { }, null);
        KernelMeasurement t = ProfileRun.derive(tanh, "reference", p, "activation", List.of(4096L),
                Op.TANH.cost(4096), times, times.clone(), new long[] {1000, 500, 1500, 1000, 2000}, clock);
        assertNull(t.flopPerCycle());
        assertNull(t.gflops());
        assertEquals("memory", t.bound());
        assertEquals(100 * t.gbs() / p.bandwidthGBs(), t.pctRoof(), 1e-9);
        assertEquals(6000.0 / 4096, t.cyclesPerElement(), 1e-12);
        assertEquals(50.0, t.onCpuPct(), 1e-9);
        assertTrue(t.contended());
    }

    @Test
    void activationTableHasTheSevenActivationsBothWays() {
        List<KernelMeasurement> ms = new ArrayList<>();
        for (io.kiln.core.Activation a : ProfileRun.TABLE_ACTIVATIONS) {
            for (Op op : List.of(Op.forward(a), Op.backward(a))) {
                ms.add(RooflineChartTest.point(op.opName(), "cache", "reference", 1, 8, 1000));
            }
        }
        List<ProfileReport.ActivationRow> rows = ProfileRun.activationRows(ms);
        assertEquals(14, rows.size());
        assertEquals("relu", rows.get(0).activation());
        assertEquals("forward", rows.get(0).direction());
        assertEquals("gelu_sigmoid", rows.get(13).activation());
        assertEquals("backward", rows.get(13).direction());
        assertEquals(10, rows.get(13).flopsPerElement());
        assertEquals(Op.GELU_ERF_BACKWARD.cost(1).transcendentals(), rows.get(9).transcendentalsPerElement());
    }

    @Test
    void warmupSettlesOnlyWhenRecentTimesAgree() {
        long[] same = {100, 100, 100, 100, 100, 100, 100, 100};
        assertTrue(ProfileRun.settled(same, 8));
        assertTrue(!ProfileRun.settled(same, 7), "needs 8 calls");
        // the last 4 calls (ring slots 4..7 at call 8) 10x faster than the 4 before: the JIT just delivered
        long[] jump = {1000, 1000, 1000, 1000, 100, 100, 100, 100};
        assertTrue(!ProfileRun.settled(jump, 8));
        long[] close = {100, 104, 98, 101, 110, 108, 112, 109};
        assertTrue(ProfileRun.settled(close, 8));
    }

    @Test
    void commandsParseTheirOptions() {
        ProfileCommand p = new ProfileCommand();
        new CommandLine(p).parseArgs("--quick", "--backends", "reference,simd", "--json", "out.json", "--svg",
                "r.svg", "--sizes", "small,cache", "--cycles", "tsc");
        assertTrue(p.quick);
        assertEquals(List.of("reference", "simd"), p.backends);
        assertEquals(List.of("small", "cache"), p.sizes);
        assertEquals("tsc", p.cycles);
        io.kiln.hw.profile.CalibrateCommand c = new io.kiln.hw.profile.CalibrateCommand();
        new CommandLine(c).parseArgs("--quick", "--threads", "2", "--no-write");
        assertEquals("calibrate", new CommandLine(c).getCommandName());
        assertEquals("profile", new CommandLine(p).getCommandName());
    }

    @Test
    void kilnRegistersTheCommandsAndProfileTakesTheGlobalBackend() {
        CommandLine kiln = new CommandLine(new io.kiln.cli.KilnCli());
        assertTrue(kiln.getSubcommands().containsKey("calibrate"));
        kiln.parseArgs("profile", "--backend", "reference", "--quick");
        ProfileCommand p = kiln.getSubcommands().get("profile").getCommand();
        assertEquals(List.of("reference"), p.chosenBackends());
        CommandLine kiln2 = new CommandLine(new io.kiln.cli.KilnCli());
        kiln2.parseArgs("profile", "--backends", "simd,opencl");
        ProfileCommand q = kiln2.getSubcommands().get("profile").getCommand();
        assertEquals(List.of("simd", "opencl"), q.chosenBackends());
    }
}
