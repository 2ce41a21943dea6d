package io.kiln.graph.codegen;

import io.kiln.core.Backend;
import io.kiln.core.FusedExpression;
import io.kiln.core.HostTensor;
import io.kiln.core.KernelBuildException;
import io.kiln.core.Shape;
import io.kiln.core.Tensor;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.MethodHandles;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Generates, per fused expression and input-access pattern, a hidden class (with {@code java.lang.classfile})
 * whose {@link FusedLoop#run} is one Vector API loop over the output: each iteration loads a vector of every input,
 * applies every step of the expression and stores one vector of the result, every vector through one masked call
 * site (the mask is all-true but at the end of a row). Loads, stores, broadcasts and arithmetic are emitted as
 * direct Vector API calls; transcendentals and activations call {@link VectorMath} (the simd backend's
 * polynomials), so each step's value stays in a register and a large expression holds few calls that C2's
 * inlining node budget could refuse. Inputs are read in place (same shape), per column ({@code [cols]}
 * bias-like), per row ({@code [rows, 1]}) or as a scalar; any other broadcast falls back to
 * {@link VectorInterpreter}. Generated classes are cached by (expression, access pattern).
 *
 * <p>Outputs of {@link #PARALLEL_ELEMENTS} or more are split into parts (rows, or 4 KiB-aligned chunks) run with
 * {@link Backend#parallelFor} on the backend the graph was compiled for: its one pool, the caller taking a share
 * (a serial backend runs the parts in order on the caller). Accuracy: as {@link VectorMath}. An input may share
 * storage with the output when it has the output's shape (each vector is loaded before the same lanes are stored).
 */
public final class FusedKernelCompiler {
    private static final ClassDesc FV = ClassDesc.of("jdk.incubator.vector.FloatVector");
    private static final ClassDesc VM = ClassDesc.of("jdk.incubator.vector.VectorMask");
    private static final ClassDesc MATH = ClassDesc.of(VectorMath.class.getName());
    private static final ClassDesc LOOP = ClassDesc.of(FusedLoop.class.getName());
    private static final ClassDesc FARR = ConstantDescs.CD_float.arrayType();
    private static final MethodTypeDesc UNARY = MethodTypeDesc.of(FV, FV);
    private static final MethodTypeDesc BINARY = MethodTypeDesc.of(FV, FV, FV);
    private static final ClassDesc VEC = ClassDesc.of("jdk.incubator.vector.Vector");
    private static final ClassDesc SPECIES = ClassDesc.of("jdk.incubator.vector.VectorSpecies");
    /** FloatVector.fromArray(species, a, i, mask), static. */
    private static final MethodTypeDesc FROM_ARRAY_MASKED = MethodTypeDesc.of(FV, SPECIES, FARR,
            ConstantDescs.CD_int, VM);
    /** FloatVector.intoArray(a, i, mask), virtual. */
    private static final MethodTypeDesc INTO_ARRAY_MASKED = MethodTypeDesc.of(ConstantDescs.CD_void, FARR,
            ConstantDescs.CD_int, VM);
    /** FloatVector.broadcast(species, v), static. */
    private static final MethodTypeDesc BROADCAST_SPECIES = MethodTypeDesc.of(FV, SPECIES, ConstantDescs.CD_float);
    /** VectorSpecies.indexInRange(i, limit), interface. */
    private static final MethodTypeDesc INDEX_IN_RANGE = MethodTypeDesc.of(VM, ConstantDescs.CD_int,
            ConstantDescs.CD_int);
    /** FloatVector.add(Vector) and the other lane-wise binary methods, virtual. */
    private static final MethodTypeDesc LANEWISE_BINARY = MethodTypeDesc.of(FV, VEC);
    /** FloatVector.neg() and the other lane-wise unary methods, virtual. */
    private static final MethodTypeDesc LANEWISE_UNARY = MethodTypeDesc.of(FV);
    private static final MethodTypeDesc RUN = MethodTypeDesc.of(ConstantDescs.CD_void, FARR.arrayType(), FARR,
            ConstantDescs.CD_int, ConstantDescs.CD_int, ConstantDescs.CD_int, ConstantDescs.CD_int);

    // locals of run(): 0 this, 1 in, 2 out, 3 rowFrom, 4 rowTo, 5 cols, 6 offset, then these
    private static final int ROW_FROM = 3;
    private static final int ROW_TO = 4;
    private static final int COLS = 5;
    private static final int OFFSET = 6;
    // slot 7 is unused (it held the unmasked loop bound)
    private static final int ROW = 8;
    private static final int BASE = 9;
    private static final int COL = 10;
    private static final int MASK_SLOT = 11;
    private static final int FIRST_ARRAY = 12;

    private record Key(FusedExpression expression, List<Access> access) {
    }

    private static final ConcurrentHashMap<Key, FusedLoop> LOOPS = new ConcurrentHashMap<>();

    private FusedKernelCompiler() {
    }

    /** Outputs of at least this many elements get a generated loop on the first call. */
    public static final int EAGER_ELEMENTS = 4096;

    /**
     * A kernel for {@code expr}, tiered: a small output's first call runs on {@link VectorInterpreter} (already
     * compiled by the JIT, where a new class would start in the bytecode interpreter, which runs Vector API code
     * thousands of times slower); from the second call, or from the first on {@link #EAGER_ELEMENTS} or more, a
     * loop generated for the access pattern, cached by (expression, pattern).
     */
    public static CompiledFusedKernel compile(FusedExpression expr) {
        return new CompiledFusedKernel(expr, false, 1, null);
    }

    /**
     * As {@link #compile(FusedExpression)}, splitting outputs of {@link #PARALLEL_ELEMENTS} or more into
     * {@code parts} parts run with {@code pool.parallelFor} (in order on the caller when {@code pool} is null).
     */
    public static CompiledFusedKernel compile(FusedExpression expr, int parts, Backend pool) {
        return new CompiledFusedKernel(expr, false, parts, pool);
    }

    /** A kernel that runs a generated loop from its first call, on the caller's thread (tests, benchmarks). */
    public static CompiledFusedKernel compileNow(FusedExpression expr) {
        return new CompiledFusedKernel(expr, true, 1, null);
    }

    /** Outputs of at least this many elements are split over threads (4 MiB: below it the fork costs too much). */
    public static final int PARALLEL_ELEMENTS = 1 << 20;

    /** Number of generated classes so far. */
    public static int generatedClasses() {
        return LOOPS.size();
    }

    /** Evaluates one expression over host tensors with generated loops. Not thread-safe. */
    public static final class CompiledFusedKernel {
        private final FusedExpression expr;
        private float[][] arrays;
        private Shape[] lastShapes;
        private Shape lastOut;
        private FusedLoop lastLoop;
        private boolean lastRowMode;
        private boolean warm;
        private final int parts;
        private final Backend pool;

        CompiledFusedKernel(FusedExpression expr, boolean eager, int parts, Backend pool) {
            if (parts < 1) {
                throw new io.kiln.core.InvalidArgumentException("fused kernel: parts must be >= 1, got " + parts);
            }
            this.expr = expr;
            this.arrays = new float[expr.inputCount()][];
            this.warm = eager;
            this.parts = parts;
            this.pool = pool;
        }

        public FusedExpression expression() {
            return expr;
        }

        /** {@code out = expr(inputs broadcast to out's shape)}; every tensor must be a {@link HostTensor}. */
        public void evaluate(Tensor[] inputs, Tensor out) {
            Shape os = out.shape();
            if (!warm) {
                warm = true;
                if (os.size() < EAGER_ELEMENTS) {
                    VectorInterpreter.evaluate(expr, inputs, out);
                    return;
                }
            }
            if (!sameShapes(inputs, os)) {
                Access[] access = new Access[inputs.length];
                boolean rowMode = false;
                for (int i = 0; i < inputs.length; i++) {
                    access[i] = Access.of(inputs[i].shape(), os);
                    if (access[i] == Access.GENERAL) {
                        lastLoop = null;
                        lastShapes = null;
                        VectorInterpreter.evaluate(expr, inputs, out);
                        return;
                    }
                    rowMode |= access[i] == Access.ROW || access[i] == Access.COL;
                }
                lastLoop = loop(expr, List.of(access));
                lastRowMode = rowMode;
                lastShapes = new Shape[inputs.length];
                for (int i = 0; i < inputs.length; i++) {
                    lastShapes[i] = inputs[i].shape();
                }
                lastOut = os;
            }
            for (int i = 0; i < inputs.length; i++) {
                arrays[i] = ((HostTensor) inputs[i]).data();
            }
            float[] o = ((HostTensor) out).data();
            try {
                int n = os.size();
                int parts = n >= PARALLEL_ELEMENTS ? this.parts : 1;
                if (lastRowMode) {
                    int rows = os.rows();
                    parts = Math.min(parts, rows);
                    if (parts <= 1) {
                        lastLoop.run(arrays, o, 0, rows, os.cols(), 0);
                    } else {
                        split(parts, rows, 1, (from, to) -> lastLoop.run(arrays, o, from, to, os.cols(), 0));
                    }
                } else if (parts <= 1) {
                    lastLoop.run(arrays, o, 0, 1, n, 0);
                } else {
                    // chunks of whole 4 KiB blocks, so no two threads write the same cache line
                    split(parts, n, 1024, (from, to) -> lastLoop.run(arrays, o, 0, 1, to - from, from));
                }
            } finally {
                Arrays.fill(arrays, null);
            }
        }

        private interface Range {
            void run(int from, int to);
        }

        /**
         * Runs [0, total) in {@code parts} ranges (multiples of {@code grain}, the last one ragged) on the pool's
         * threads, or in order on the caller without a pool.
         */
        private void split(int parts, int total, int grain, Range body) {
            int blocks = (total + grain - 1) / grain;
            java.util.function.IntConsumer part = p -> {
                int from = p == 0 ? 0 : Math.min(total, (int) ((long) blocks * p / parts) * grain);
                int to = p == parts - 1 ? total : Math.min(total, (int) ((long) blocks * (p + 1) / parts) * grain);
                if (to > from) {
                    body.run(from, to);
                }
            };
            if (pool == null) {
                for (int p = 0; p < parts; p++) {
                    part.accept(p);
                }
            } else {
                pool.parallelFor(parts, part);
            }
        }

        private boolean sameShapes(Tensor[] inputs, Shape out) {
            if (lastShapes == null || !out.equals(lastOut)) {
                return false;
            }
            for (int i = 0; i < inputs.length; i++) {
                if (!inputs[i].shape().equals(lastShapes[i])) {
                    return false;
                }
            }
            return true;
        }
    }

    static FusedLoop loop(FusedExpression expr, List<Access> access) {
        return LOOPS.computeIfAbsent(new Key(expr, access), k -> generate(k.expression(), k.access()));
    }

    /** Generates and loads the loop class. */
    static FusedLoop generate(FusedExpression expr, List<Access> access) {
        byte[] bytes = classBytes(expr, access);
        try {
            MethodHandles.Lookup hidden = MethodHandles.lookup().defineHiddenClass(bytes, true);
            return (FusedLoop) hidden.lookupClass().getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new KernelBuildException("fused kernel " + expr.opNames() + ": generated class failed to load: " + e,
                    e);
        }
    }

    /** The class file of the loop (visible for tests and dumps). */
    static byte[] classBytes(FusedExpression expr, List<Access> access) {
        ClassDesc self = ClassDesc.of(FusedKernelCompiler.class.getPackageName() + ".GeneratedFusedLoop");
        ClassLoader loader = FusedKernelCompiler.class.getClassLoader();
        ClassFile cf = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(
                ClassHierarchyResolver.defaultResolver().orElse(ClassHierarchyResolver.ofClassLoading(loader))));
        return cf.build(self, cb -> {
            cb.withFlags(ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL | ClassFile.ACC_SYNTHETIC);
            cb.withInterfaceSymbols(LOOP);
            cb.withMethodBody(ConstantDescs.INIT_NAME, ConstantDescs.MTD_void, ClassFile.ACC_PUBLIC, c -> {
                c.aload(0);
                c.invokespecial(ConstantDescs.CD_Object, ConstantDescs.INIT_NAME, ConstantDescs.MTD_void);
                c.return_();
            });
            cb.withMethodBody("run", RUN, ClassFile.ACC_PUBLIC, c -> runBody(c, expr, access));
        });
    }

    private static void runBody(CodeBuilder c, FusedExpression expr, List<Access> access) {
        int inputs = expr.inputCount();
        int firstStep = FIRST_ARRAY + inputs;
        for (int k = 0; k < inputs; k++) {
            c.aload(1);
            c.loadConstant(k);
            c.aaload();
            c.astore(FIRST_ARRAY + k);
        }
        c.iload(ROW_FROM);
        c.istore(ROW);
        Label rowLoop = c.newLabel();
        Label end = c.newLabel();
        Label colLoop = c.newLabel();
        Label nextRow = c.newLabel();
        c.labelBinding(rowLoop);
        c.iload(ROW);
        c.iload(ROW_TO);
        c.if_icmpge(end);
        c.iload(ROW);
        c.iload(COLS);
        c.imul();
        c.iload(OFFSET);
        c.iadd();
        c.istore(BASE);
        c.iconst_0();
        c.istore(COL);
        // one masked call site for every vector (the mask is all-true but at the row's end): a second, unmasked
        // copy of the body for full vectors doubles the IR C2 inlines and can push it over its inlining node
        // budget, which leaves a helper un-inlined and boxes its vectors (see io.kiln.backend.simd.VectorMath)
        c.labelBinding(colLoop);
        c.iload(COL);
        c.iload(COLS);
        c.if_icmpge(nextRow);
        species(c);
        c.iload(COL);
        c.iload(COLS);
        c.invokeinterface(SPECIES, "indexInRange", INDEX_IN_RANGE);
        c.astore(MASK_SLOT);
        body(c, expr, access, firstStep);
        c.iinc(COL, VectorMath.LANES);
        c.goto_(colLoop);
        c.labelBinding(nextRow);
        c.iinc(ROW, 1);
        c.goto_(rowLoop);
        c.labelBinding(end);
        c.return_();
    }

    /**
     * One vector of the output, masked: every step, then the store. Loads, stores, broadcasts and the arithmetic
     * are Vector API calls emitted directly (the JDK's {@code @ForceInline} methods, which C2 inlines even past its
     * inlining node budget); only transcendentals and activations call {@link VectorMath} helpers, so a large
     * expression has few calls that C2 could refuse to inline (a refused call boxes its vectors).
     */
    private static void body(CodeBuilder c, FusedExpression expr, List<Access> access, int firstStep) {
        for (int i = 0; i < expr.size(); i++) {
            FusedExpression.Step s = expr.step(i);
            switch (s.kind()) {
                case INPUT -> {
                    int arr = FIRST_ARRAY + s.input();
                    switch (access.get(s.input())) {
                        case FULL -> {
                            species(c);
                            c.aload(arr);
                            c.iload(BASE);
                            c.iload(COL);
                            c.iadd();
                            loadMasked(c);
                        }
                        case ROW -> {
                            species(c);
                            c.aload(arr);
                            c.iload(COL);
                            loadMasked(c);
                        }
                        case COL -> {
                            species(c);
                            c.aload(arr);
                            c.iload(ROW);
                            c.faload();
                            c.invokestatic(FV, "broadcast", BROADCAST_SPECIES);
                        }
                        case SCALAR -> {
                            species(c);
                            c.aload(arr);
                            c.iconst_0();
                            c.faload();
                            c.invokestatic(FV, "broadcast", BROADCAST_SPECIES);
                        }
                        case GENERAL -> throw new IllegalStateException("general broadcast is interpreted");
                    }
                }
                case CONSTANT -> {
                    species(c);
                    c.loadConstant(s.constant());
                    c.invokestatic(FV, "broadcast", BROADCAST_SPECIES);
                }
                case UNARY -> {
                    c.aload(firstStep + s.a());
                    switch (s.unary()) {
                        case NEG -> c.invokevirtual(FV, "neg", LANEWISE_UNARY);
                        case ABS -> c.invokevirtual(FV, "abs", LANEWISE_UNARY);
                        case SQRT -> c.invokevirtual(FV, "sqrt", LANEWISE_UNARY);
                        case SQUARE -> {
                            c.dup();
                            c.invokevirtual(FV, "mul", LANEWISE_BINARY);
                        }
                        case EXP, LOG, TANH, ERF, RECIPROCAL -> c.invokestatic(MATH, switch (s.unary()) {
                            case EXP -> "exp";
                            case LOG -> "log";
                            case TANH -> "tanh";
                            case ERF -> "erf";
                            default -> "reciprocal";
                        }, UNARY);
                    }
                }
                case BINARY -> {
                    c.aload(firstStep + s.a());
                    c.aload(firstStep + s.b());
                    c.invokevirtual(FV, switch (s.binary()) {
                        case ADD -> "add";
                        case SUB -> "sub";
                        case MUL -> "mul";
                        case DIV -> "div";
                        case MAX -> "max";
                        case MIN -> "min";
                    }, LANEWISE_BINARY);
                }
                case ACTIVATION -> {
                    c.aload(firstStep + s.a());
                    c.invokestatic(MATH, VectorMath.forwardName(s.activation()), UNARY);
                }
                case ACTIVATION_BACKWARD -> {
                    c.aload(firstStep + s.a());
                    c.aload(firstStep + s.b());
                    c.invokestatic(MATH, VectorMath.forwardName(s.activation()) + "Backward", BINARY);
                }
            }
            c.astore(firstStep + i);
        }
        c.aload(firstStep + expr.result());
        c.aload(2);
        c.iload(BASE);
        c.iload(COL);
        c.iadd();
        c.aload(MASK_SLOT);
        c.invokevirtual(FV, "intoArray", INTO_ARRAY_MASKED);
    }

    /** Pushes VectorMath.SPECIES (the preferred float species). */
    private static void species(CodeBuilder c) {
        c.getstatic(MATH, "SPECIES", SPECIES);
    }

    private static void loadMasked(CodeBuilder c) {
        c.aload(MASK_SLOT);
        c.invokestatic(FV, "fromArray", FROM_ARRAY_MASKED);
    }
}
