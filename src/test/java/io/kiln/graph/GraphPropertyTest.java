package io.kiln.graph;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.kiln.conformance.TestBackends;
import io.kiln.core.Activation;
import io.kiln.core.Backend;
import io.kiln.core.BinaryOp;
import io.kiln.core.KilnException;
import io.kiln.core.ShapeException;
import io.kiln.core.UnaryOp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Property tests with a seeded generator (each case's seed is in its failure message; rerun one with
 * {@code -Dkiln.graph.seed=N}). Random well-typed graphs (1200 on the reference backend, 300 on simd, 100 on a device
 * backend; {@code -Dkiln.graph.cases=N} for more) of elementwise ops (broadcast operands, scalars, activations, clamps)
 * and matmuls with bias and activation, with softmaxes and reductions in between, must give the same outputs compiled
 * with every pass on as with every pass off, on every registered backend and with every host fused-kernel evaluator;
 * 1000 random ill-typed graphs per backend must be refused at build time with a {@link ShapeException} naming the op,
 * both shapes and the line that made the node.
 */
class GraphPropertyTest {
    /** Random graphs per backend: the reference runs the most; override with {@code -Dkiln.graph.cases=N}. */
    private static int cases(String backend) {
        Integer n = Integer.getInteger("kiln.graph.cases");
        return n != null ? n : switch (backend) {
            case "reference" -> 1200;
            case "simd" -> 300;
            default -> 100; // device backends: each new graph builds and launches its kernels through the driver
        };
    }

    private static final int ILL_TYPED = 1000;

    static List<String> backends() {
        return TestBackends.names();
    }

    /** A random graph with its feeds. */
    private record Case(Graph graph, Map<Input, Object> feeds, List<String> outputs) {
    }

    private static final class Gen {
        final SplittableRandom r;
        final Graph g;
        final int rows;
        final int cols;
        final List<Node> pool = new ArrayList<>();
        final Map<Input, Object> feeds = new HashMap<>();
        int inputs;

        Gen(long seed) {
            r = new SplittableRandom(seed);
            g = new Graph("random" + seed);
            rows = 1 + r.nextInt(9);
            cols = 1 + r.nextInt(17);
        }

        Input input(int... dims) {
            Input in = weight(dims);
            pool.add(in);
            return in;
        }

        /** A fed input not offered to later ops (its shape breaks the pool's broadcast family). */
        Input weight(int... dims) {
            Input in = g.input("in" + inputs++, dims);
            int size = in.shape().size();
            float[] v = new float[size];
            for (int i = 0; i < size; i++) {
                v[i] = (float) (r.nextDouble() * 4 - 2);
            }
            feeds.put(in, v);
            return in;
        }

        Node pick() {
            return pool.get(r.nextInt(pool.size()));
        }

        /** A [rows, cols] value from the pool, or a new input of that shape. */
        Node pickFull() {
            for (int tries = 0; tries < 8; tries++) {
                Node n = pick();
                if (n.shape().rank() == 2 && n.shape().dim(0) == rows && n.shape().dim(1) == cols) {
                    return n;
                }
            }
            return input(rows, cols);
        }

        Node unary(Node x) {
            return switch (r.nextInt(10)) {
                case 0 -> x.neg();
                case 1 -> x.abs();
                case 2 -> x.tanh();
                case 3 -> x.tanh().exp();
                case 4 -> x.abs().add(1f).log();
                case 5 -> x.abs().sqrt();
                case 6 -> x.tanh().square();
                case 7 -> x.erf();
                case 8 -> x.abs().add(1f).reciprocal();
                default -> x.clamp(-1.5f, 1.25f);
            };
        }

        Node binary(Node a, Node b) {
            return switch (r.nextInt(6)) {
                case 0 -> a.add(b);
                case 1 -> a.sub(b);
                case 2 -> a.mul(b);
                case 3 -> a.div(b.square().add(1f));
                case 4 -> a.maximum(b);
                default -> a.minimum(b);
            };
        }

        Node step() {
            int k = r.nextInt(20);
            if (k < 6) {
                return binary(pick(), pick());
            }
            if (k < 9) {
                return unary(pick());
            }
            if (k < 11) {
                Activation[] acts = Activation.values();
                return pick().activation(acts[r.nextInt(acts.length)]);
            }
            if (k < 12) {
                return pick().mul((float) (r.nextDouble() * 2 - 1)).add((float) (r.nextDouble() - 0.5));
            }
            if (k < 15) {
                // matmul with a weight input, often with a bias and an activation (epilogue candidates)
                Node x = pickFull();
                boolean transB = r.nextBoolean();
                Node w = weight(cols, cols);
                Node h = x.matmul(w, false, transB);
                if (r.nextBoolean()) {
                    Node bias = r.nextBoolean() ? weight(cols) : weight(1, cols);
                    h = r.nextBoolean() ? h.add(bias) : h.biasAdd(bias);
                }
                if (r.nextBoolean()) {
                    h = h.activation(Activation.values()[r.nextInt(Activation.values().length)]);
                }
                return h.mul(1f / cols);
            }
            if (k < 16) {
                Node x = pickFull();
                return r.nextBoolean() ? x.softmax() : x.logSoftmax();
            }
            if (k < 17) {
                Node x = pickFull();
                return r.nextBoolean() ? x.sum(0).mul(0.25f) : x.mean(1).reshape(rows, 1);
            }
            if (k < 18) {
                return input(rows, 1);
            }
            if (k < 19) {
                return input(cols);
            }
            return g.constant((float) (r.nextDouble() * 2 - 1));
        }

        Case build() {
            input(rows, cols);
            int steps = 2 + r.nextInt(12);
            for (int i = 0; i < steps; i++) {
                pool.add(step());
            }
            List<String> outs = new ArrayList<>();
            Node last = pool.get(pool.size() - 1);
            g.output("out0", last);
            outs.add("out0");
            int extra = r.nextInt(3);
            for (int i = 0; i < extra; i++) {
                Node n = pick();
                if (!n.kind().isLeaf() && !g.outputs().containsValue(n)) {
                    g.output("out" + outs.size(), n);
                    outs.add("out" + outs.size());
                }
            }
            return new Case(g, feeds, outs);
        }
    }

    private static long seedBase() {
        return Long.getLong("kiln.graph.seed", 20_251_129L);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void optimizedEqualsUnoptimizedOnRandomGraphs(String name) {
        Backend be = TestBackends.get(name);
        boolean single = System.getProperty("kiln.graph.seed") != null;
        int cases = single ? 1 : cases(name);
        List<CompileOptions> modes = List.of(CompileOptions.defaults(),
                CompileOptions.defaults().fusedKernels(CompileOptions.FusedKernels.CODEGEN),
                CompileOptions.defaults().fusedKernels(CompileOptions.FusedKernels.INTERPRETER));
        int fusedKernels = 0;
        boolean canFuse = true;
        for (int c = 0; c < cases; c++) {
            long seed = seedBase() + c;
            Case k = new Gen(seed).build();
            CompileOptions mode = modes.get(c % modes.size());
            Map<String, float[]> expect = new HashMap<>();
            try (Executable off = k.graph().compile(be, CompileOptions.none())) {
                off.run(k.feeds());
                for (String o : k.outputs()) {
                    expect.put(o, off.output(o));
                }
            } catch (KilnException e) {
                throw new AssertionError("seed " + seed + ": unoptimized graph failed: " + e.getMessage() + "\n"
                        + k.graph().toText(), e);
            }
            try (Executable on = k.graph().compile(be, mode)) {
                fusedKernels += (int) on.kernels().stream().filter(x -> x.ops().size() > 1).count();
                canFuse = !on.fusedKernels().equals("none");
                // twice: small fused kernels run interpreted first, on generated classes from the second run
                for (int run = 0; run < 2; run++) {
                    on.run(k.feeds());
                    for (String o : k.outputs()) {
                        compare("seed " + seed + " (" + mode.fusedKernels() + ", run " + run + ") output " + o,
                                expect.get(o), on.output(o), k.graph(), on);
                    }
                }
            } catch (KilnException e) {
                throw new AssertionError("seed " + seed + ": optimized graph failed: " + e.getMessage() + "\n"
                        + k.graph().toText(), e);
            }
        }
        // elementwise groups plus epilogues, or epilogues and losses only on a backend without fused kernels
        assertTrue(single || fusedKernels > (canFuse ? cases / 2 : cases / 4), "the generator exercises fusion: "
                + fusedKernels + " fused kernels in " + cases + " graphs");
    }

    /**
     * Equal within float error: |a − b| ≤ 2e-5·scale + 1e-4·|a|, scale = max |a| over the output (every op keeps
     * values bounded, denominators ≥ 1; fused and unfused differ by a few roundings per element, and the vector
     * kernels' exp/tanh/erf by a few ulp).
     */
    private static void compare(String what, float[] a, float[] b, Graph g, Executable on) {
        double scale = 0;
        for (float v : a) {
            if (Float.isFinite(v)) {
                scale = Math.max(scale, Math.abs(v));
            }
        }
        for (int i = 0; i < a.length; i++) {
            boolean ok = Float.isNaN(a[i]) ? Float.isNaN(b[i])
                    : Math.abs((double) a[i] - b[i]) <= 2e-5 * scale + 1e-4 * Math.abs(a[i]);
            if (!ok) {
                fail(what + "[" + i + "]: unoptimized " + a[i] + ", optimized " + b[i] + "\n" + g.toText()
                        + "\ncompiled:\n" + on.optimizedGraph().toText());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void illTypedGraphsAreRefusedWithNamedErrors(String name) {
        TestBackends.get(name);
        SplittableRandom r = new SplittableRandom(seedBase());
        for (int c = 0; c < ILL_TYPED; c++) {
            Graph g = new Graph("bad" + c);
            int a = 1 + r.nextInt(8);
            int b = a + 1 + r.nextInt(5); // a != b, neither is 1 when a > 1
            if (a == 1 || a == 3) {
                a = 2; // x [3, a] · y [3, b] needs a == 3; broadcasting needs a == b or a 1
                b = 4;
            }
            Input x = g.input("x", 3, a);
            Input y = g.input("y", 3, b);
            int kind = r.nextInt(5);
            String op = switch (kind) {
                case 0 -> "add";
                case 1 -> "mul";
                case 2 -> "matmul";
                case 3 -> "bias_add";
                default -> "mse_loss";
            };
            int line = new Throwable().getStackTrace()[0].getLineNumber() + 3 + kind; // the case's line below
            try {
                Node bad = switch (kind) {
                    case 0 -> x.tanh().add(y.exp());
                    case 1 -> x.mul(y);
                    case 2 -> x.matmul(y);
                    case 3 -> x.biasAdd(g.input("bias", b));
                    default -> x.mseLoss(y);
                };
                fail("case " + c + ": " + op + " of " + x.shape() + " and " + y.shape() + " was accepted: " + bad);
            } catch (ShapeException e) {
                String m = e.getMessage();
                String first = x.shape().toString();
                String second = kind == 0 || kind == 1 || kind == 2 || kind == 4 ? y.shape().toString() : "[" + b + "]";
                if (!m.contains(op) || !m.contains(first) || !m.contains(second)
                        || !m.contains("GraphPropertyTest.java:" + line)) {
                    fail("case " + c + ": the error must name " + op + ", " + first + ", " + second
                            + " and GraphPropertyTest.java:" + line + ": " + m);
                }
            }
        }
        // a well-typed graph does not become ill-typed by compiling it
        Graph ok = new Graph();
        Input x = ok.input("x", 2, 3);
        ok.output("y", x.add(ok.input("b", 3)).mul(x.sum()).unary(UnaryOp.EXP).binary(BinaryOp.MAX, x));
        ok.compile(TestBackends.get(name)).close();
    }
}
