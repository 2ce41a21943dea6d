package io.kiln.graph;

import io.kiln.core.InvalidArgumentException;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * How to compile a graph: which passes run (all by default; switch one off by name), whether to collect dumps before
 * and after each pass, whether to time each kernel, and how fused kernels run on host tensors. Immutable; each
 * method returns a changed copy.
 */
public final class CompileOptions {
    /** Pass names, in the order the pipeline runs them; {@code memory_plan} is the last step of compiling. */
    public static final List<String> PASSES = List.of(ConstantFolding.NAME, CommonSubexpressionElimination.NAME,
            DeadCodeElimination.NAME, SoftmaxCrossEntropyFusion.NAME, MatmulEpilogueFusion.NAME, ElementwiseFusion.NAME,
            MemoryPlanner.NAME);

    /** How a fused elementwise kernel runs when its tensors are host tensors. */
    public enum FusedKernels {
        /**
         * The backend's own kernel when it overrides {@code doFusedElementwise}; otherwise, on host memory, the
         * generated Vector API kernels ({@link #CODEGEN}) — except on the reference backend, which stays plain Java
         * (its scalar default); on other memory without a kernel of the backend's own, no elementwise fusion.
         */
        AUTO,
        /** Call {@code Backend.fusedElementwise} (the backend's own kernel; scalar tiles by default). */
        BACKEND,
        /** A hidden class generated per expression (java.lang.classfile): one Vector API pass, steps in registers. */
        CODEGEN,
        /** The Vector API interpreter: each step over an L1-sized tile. */
        INTERPRETER
    }

    private final Set<String> disabled;
    private final boolean dumpPasses;
    private final boolean profile;
    private final FusedKernels fusedKernels;
    private final boolean singleOpsAsFused;
    private final int fusedThreads;

    private CompileOptions(Set<String> disabled, boolean dumpPasses, boolean profile, FusedKernels fusedKernels,
                           boolean singleOpsAsFused, int fusedThreads) {
        this.fusedThreads = fusedThreads;
        this.disabled = Collections.unmodifiableSet(disabled);
        this.dumpPasses = dumpPasses;
        this.profile = profile;
        this.fusedKernels = fusedKernels;
        this.singleOpsAsFused = singleOpsAsFused;
    }

    /** Every pass on, no dumps, no profiling, fused kernels chosen automatically ({@link FusedKernels#AUTO}). */
    public static CompileOptions defaults() {
        return new CompileOptions(new LinkedHashSet<>(), false, false, FusedKernels.AUTO, false, 0);
    }

    /** Every pass off: each op its own kernel, each value its own buffer. */
    public static CompileOptions none() {
        return defaults().disable(PASSES.toArray(new String[0]));
    }

    /** Switches passes off by name (see {@link #PASSES}). */
    public CompileOptions disable(String... names) {
        Set<String> d = new LinkedHashSet<>(disabled);
        for (String n : names) {
            if (!PASSES.contains(n)) {
                throw new InvalidArgumentException("CompileOptions.disable: unknown pass '" + n + "'; known: "
                        + String.join(", ", PASSES));
            }
            d.add(n);
        }
        return new CompileOptions(d, dumpPasses, profile, fusedKernels, singleOpsAsFused, fusedThreads);
    }

    /** Switches passes back on. */
    public CompileOptions enable(String... names) {
        Set<String> d = new LinkedHashSet<>(disabled);
        for (String n : names) {
            if (!PASSES.contains(n)) {
                throw new InvalidArgumentException("CompileOptions.enable: unknown pass '" + n + "'; known: "
                        + String.join(", ", PASSES));
            }
            d.remove(n);
        }
        return new CompileOptions(d, dumpPasses, profile, fusedKernels, singleOpsAsFused, fusedThreads);
    }

    /** Collects {@code toText()} and {@code toDot()} before and after each pass ({@link Executable#dumps()}). */
    public CompileOptions dumpPasses(boolean on) {
        return new CompileOptions(new LinkedHashSet<>(disabled), on, profile, fusedKernels,
                singleOpsAsFused, fusedThreads);
    }

    /** Times every kernel of every run (synchronizing after each), for {@link Executable#report()}. */
    public CompileOptions profile(boolean on) {
        return new CompileOptions(new LinkedHashSet<>(disabled), dumpPasses, on, fusedKernels,
                singleOpsAsFused, fusedThreads);
    }

    public CompileOptions fusedKernels(FusedKernels mode) {
        if (mode == null) {
            throw new InvalidArgumentException("CompileOptions.fusedKernels: mode is null");
        }
        return new CompileOptions(new LinkedHashSet<>(disabled), dumpPasses, profile, mode,
                singleOpsAsFused, fusedThreads);
    }

    /**
     * Runs every elementwise op that stays alone as a one-op fused kernel (so "fusion off" can be measured with the
     * same elementwise code as "fusion on").
     */
    public CompileOptions singleOpsAsFused(boolean on) {
        return new CompileOptions(new LinkedHashSet<>(disabled), dumpPasses, profile, fusedKernels, on, fusedThreads);
    }

    /**
     * Parts a large generated fused kernel is split into, run on the backend's pool ({@link
     * io.kiln.core.Backend#parallelFor}): 0, the default, is four per thread of the backend's pool ({@link
     * io.kiln.core.Backend#parallelism}; one part on a serial backend); 1 is the caller's thread only.
     */
    public CompileOptions fusedKernelThreads(int threads) {
        if (threads < 0) {
            throw new InvalidArgumentException("CompileOptions.fusedKernelThreads: must be >= 0, got " + threads);
        }
        return new CompileOptions(new LinkedHashSet<>(disabled), dumpPasses, profile, fusedKernels, singleOpsAsFused,
                threads);
    }

    public int fusedKernelThreads() {
        return fusedThreads;
    }

    public boolean enabled(String pass) {
        return !disabled.contains(pass);
    }

    public Set<String> disabled() {
        return disabled;
    }

    public boolean dumpPasses() {
        return dumpPasses;
    }

    public boolean profile() {
        return profile;
    }

    public FusedKernels fusedKernels() {
        return fusedKernels;
    }

    public boolean singleOpsAsFused() {
        return singleOpsAsFused;
    }

    @Override
    public String toString() {
        return "CompileOptions[disabled=" + disabled + ", dumpPasses=" + dumpPasses + ", profile=" + profile
                + ", fusedKernels=" + fusedKernels + ", singleOpsAsFused=" + singleOpsAsFused + ", fusedKernelThreads="
                + fusedThreads + "]";
    }
}
