package io.kiln.hw.profile;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The loops {@link Calibration} times. Each is written so that C2 can neither fold it away nor reorder it into
 * something cheaper: loop-invariant operands come in as parameters (not constants), and every result is returned.
 *
 * <ul>
 *   <li>{@link #vectorFma}: {@value #CHAINS} independent FMA chains on the preferred float species. With a latency
 *       of 4 cycles and 2 FMA pipes (Golden Cove, Zen 4/5) 8 chains keep every pipe busy; {@value #CHAINS} leave
 *       margin and still fit the 16 architectural registers of AVX2 (12 accumulators + 2 operands).</li>
 *   <li>{@link #scalarFma}: the same loop on scalar floats with {@link Math#fma(float, float, float)} - the
 *       "scalar twin" that the Vector API must clearly beat, else it is not compiled to vector instructions.</li>
 *   <li>{@link #dependentMultiplyChain}: a chain of dependent 64-bit squarings {@code x = x·x}.
 *       {@code imul r64, r64} has a latency of 3 cycles on every x86-64 core since Intel Nehalem and AMD Zen (Intel
 *       64 and IA-32 Architectures Optimization Reference Manual; AMD Software Optimization Guides for Zen 2-5), so
 *       the chain runs at 3 cycles per step whatever the issue width, and steps × 3 / time estimates the core
 *       clock. A squaring, not {@code x = x·m}: C2 reassociates {@code (x·m)·m} into {@code x·(m·m)} in an unrolled
 *       loop (measured here: 48 "GHz"), but cannot shorten a chain of squarings.</li>
 *   <li>{@link #copy} and {@link #triad}: STREAM-style memory kernels on a slice of float arrays.</li>
 * </ul>
 */
final class CalibrationKernels {
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    static final int LANES = SPECIES.length();
    /** Independent accumulators per FMA loop. */
    static final int CHAINS = 12;
    /** Latency in cycles of one step of {@link #dependentMultiplyChain} (x86-64 {@code imul r64, r64}). */
    static final int MULTIPLY_LATENCY_CYCLES = 3;

    private CalibrationKernels() {
    }

    /** FLOPs done by one call of {@link #vectorFma} with {@code iterations}. */
    static double vectorFmaFlops(long iterations) {
        return 2.0 * CHAINS * LANES * iterations;
    }

    /** FLOPs done by one call of {@link #scalarFma} with {@code iterations}. */
    static double scalarFmaFlops(long iterations) {
        return 2.0 * CHAINS * iterations;
    }

    /** {@value #CHAINS} independent chains {@code acc = acc·m + c} on vectors; returns a sum so nothing is dead. */
    static float vectorFma(int iterations, float m, float c) {
        FloatVector vm = FloatVector.broadcast(SPECIES, m);
        FloatVector vc = FloatVector.broadcast(SPECIES, c);
        FloatVector a0 = FloatVector.broadcast(SPECIES, 0.10f);
        FloatVector a1 = FloatVector.broadcast(SPECIES, 0.11f);
        FloatVector a2 = FloatVector.broadcast(SPECIES, 0.12f);
        FloatVector a3 = FloatVector.broadcast(SPECIES, 0.13f);
        FloatVector a4 = FloatVector.broadcast(SPECIES, 0.14f);
        FloatVector a5 = FloatVector.broadcast(SPECIES, 0.15f);
        FloatVector a6 = FloatVector.broadcast(SPECIES, 0.16f);
        FloatVector a7 = FloatVector.broadcast(SPECIES, 0.17f);
        FloatVector a8 = FloatVector.broadcast(SPECIES, 0.18f);
        FloatVector a9 = FloatVector.broadcast(SPECIES, 0.19f);
        FloatVector a10 = FloatVector.broadcast(SPECIES, 0.20f);
        FloatVector a11 = FloatVector.broadcast(SPECIES, 0.21f);
        for (int i = 0; i < iterations; i++) {
            a0 = a0.fma(vm, vc);
            a1 = a1.fma(vm, vc);
            a2 = a2.fma(vm, vc);
            a3 = a3.fma(vm, vc);
            a4 = a4.fma(vm, vc);
            a5 = a5.fma(vm, vc);
            a6 = a6.fma(vm, vc);
            a7 = a7.fma(vm, vc);
            a8 = a8.fma(vm, vc);
            a9 = a9.fma(vm, vc);
            a10 = a10.fma(vm, vc);
            a11 = a11.fma(vm, vc);
        }
        FloatVector s = a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11);
        return s.reduceLanes(VectorOperators.ADD);
    }

    /** The scalar twin of {@link #vectorFma}: the same chains on single floats. */
    static float scalarFma(int iterations, float m, float c) {
        float a0 = 0.10f, a1 = 0.11f, a2 = 0.12f, a3 = 0.13f, a4 = 0.14f, a5 = 0.15f;
        float a6 = 0.16f, a7 = 0.17f, a8 = 0.18f, a9 = 0.19f, a10 = 0.20f, a11 = 0.21f;
        for (int i = 0; i < iterations; i++) {
            a0 = Math.fma(a0, m, c);
            a1 = Math.fma(a1, m, c);
            a2 = Math.fma(a2, m, c);
            a3 = Math.fma(a3, m, c);
            a4 = Math.fma(a4, m, c);
            a5 = Math.fma(a5, m, c);
            a6 = Math.fma(a6, m, c);
            a7 = Math.fma(a7, m, c);
            a8 = Math.fma(a8, m, c);
            a9 = Math.fma(a9, m, c);
            a10 = Math.fma(a10, m, c);
            a11 = Math.fma(a11, m, c);
        }
        return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;
    }

    /**
     * {@code steps} dependent squarings of {@code x}, plus {@code salt} so the caller can keep the result live.
     * The values are irrelevant (an odd x soon reaches the fixed point 1): the latency of {@code imul} does not
     * depend on its operands.
     */
    static long dependentMultiplyChain(int steps, long x, long salt) {
        for (int i = 0; i < steps; i++) {
            x *= x;
        }
        return x + salt;
    }

    /** {@code dst[i] = src[i]} for i in [from, to). */
    static void copy(float[] src, float[] dst, int from, int to) {
        int i = from;
        int bound = from + SPECIES.loopBound(to - from);
        for (; i < bound; i += LANES) {
            FloatVector.fromArray(SPECIES, src, i).intoArray(dst, i);
        }
        for (; i < to; i++) {
            dst[i] = src[i];
        }
    }

    /** STREAM triad {@code a[i] = b[i] + s·c[i]} for i in [from, to). */
    static void triad(float[] a, float[] b, float[] c, float s, int from, int to) {
        FloatVector vs = FloatVector.broadcast(SPECIES, s);
        int i = from;
        int bound = from + SPECIES.loopBound(to - from);
        for (; i < bound; i += LANES) {
            FloatVector.fromArray(SPECIES, c, i).fma(vs, FloatVector.fromArray(SPECIES, b, i)).intoArray(a, i);
        }
        for (; i < to; i++) {
            a[i] = Math.fma(c[i], s, b[i]);
        }
    }
}
