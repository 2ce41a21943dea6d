package io.kiln.graph;

import io.kiln.backend.reference.DoubleMath;
import io.kiln.core.Activation;
import io.kiln.core.BinaryOp;
import io.kiln.core.Broadcast;
import io.kiln.core.Philox;
import io.kiln.core.Shape;
import io.kiln.core.UnaryOp;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A float64 evaluator of user-level graphs (the forward ops a user writes), for finite-difference gradient checks:
 * every op in double precision, as written in its definition. Dropout draws the mask of run 0.
 */
final class Float64Interpreter {
    private final Graph graph;
    private final Map<Node, double[]> values = new IdentityHashMap<>();
    private final Map<Node, int[]> labels = new HashMap<>();

    Float64Interpreter(Graph graph) {
        this.graph = graph;
    }

    Float64Interpreter set(Node leaf, double[] v) {
        values.put(leaf, v);
        return this;
    }

    Float64Interpreter set(Node leaf, float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return set(leaf, d);
    }

    Float64Interpreter labels(Input in, int[] l) {
        labels.put(in, l);
        return this;
    }

    /** Evaluates every node up to {@code target} and returns its value. */
    double[] eval(Node target) {
        Map<Node, double[]> v = new IdentityHashMap<>(values);
        for (Node n : graph.nodes()) {
            if (!v.containsKey(n)) {
                v.put(n, op(n, v));
            }
            if (n == target) {
                break;
            }
        }
        return v.get(target);
    }

    private double[] op(Node n, Map<Node, double[]> v) {
        List<Node> in = n.inputs();
        double[] a = in.isEmpty() ? null : v.get(in.get(0));
        double[] b = in.size() < 2 ? null : v.get(in.get(1));
        Shape s = n.shape();
        int size = s.size();
        double[] out = new double[size];
        switch (n.kind()) {
            case CONSTANT -> {
                float[] c = ((Attr.Constant) n.attr()).values();
                for (int i = 0; i < size; i++) {
                    out[i] = c[i];
                }
            }
            case LABELS -> {
                return new double[0];
            }
            case INPUT, PARAMETER -> throw new IllegalStateException("not set: " + n);
            case MATMUL -> {
                Attr.Matmul m = (Attr.Matmul) n.attr();
                Shape as = in.get(0).shape();
                int rows = s.dim(0);
                int cols = s.dim(1);
                int k = m.transA() ? as.dim(0) : as.dim(1);
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < cols; j++) {
                        double acc = 0;
                        for (int p = 0; p < k; p++) {
                            double x = m.transA() ? a[p * rows + i] : a[i * k + p];
                            double y = m.transB() ? b[j * k + p] : b[p * cols + j];
                            acc += x * y;
                        }
                        out[i * cols + j] = acc;
                    }
                }
            }
            case BINARY, BIAS_ADD -> {
                BinaryOp op = n.kind() == OpKind.BIAS_ADD ? BinaryOp.ADD : (BinaryOp) n.attr();
                Shape bs = n.kind() == OpKind.BIAS_ADD ? Shape.of(in.get(1).shape().size()) : in.get(1).shape();
                double[] ab = broadcast(a, in.get(0).shape(), s);
                double[] bb = broadcast(b, bs, s);
                for (int i = 0; i < size; i++) {
                    out[i] = switch (op) {
                        case ADD -> ab[i] + bb[i];
                        case SUB -> ab[i] - bb[i];
                        case MUL -> ab[i] * bb[i];
                        case DIV -> ab[i] / bb[i];
                        case MAX -> Math.max(ab[i], bb[i]);
                        case MIN -> Math.min(ab[i], bb[i]);
                    };
                }
            }
            case UNARY -> {
                UnaryOp op = (UnaryOp) n.attr();
                for (int i = 0; i < size; i++) {
                    double x = a[i];
                    out[i] = switch (op) {
                        case NEG -> -x;
                        case ABS -> Math.abs(x);
                        case EXP -> Math.exp(x);
                        case LOG -> Math.log(x);
                        case TANH -> Math.tanh(x);
                        case ERF -> DoubleMath.erf(x);
                        case SQRT -> Math.sqrt(x);
                        case RECIPROCAL -> 1 / x;
                        case SQUARE -> x * x;
                    };
                }
            }
            case ACTIVATION -> {
                for (int i = 0; i < size; i++) {
                    out[i] = DoubleMath.activation((Activation) n.attr(), a[i]);
                }
            }
            case CLAMP -> {
                Attr.Clamp c = (Attr.Clamp) n.attr();
                for (int i = 0; i < size; i++) {
                    out[i] = Math.min(Math.max(a[i], c.lo()), c.hi());
                }
            }
            case SOFTMAX, LOG_SOFTMAX -> {
                int cols = s.cols();
                for (int r = 0; r < s.rows(); r++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < cols; j++) {
                        max = Math.max(max, a[r * cols + j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < cols; j++) {
                        sum += Math.exp(a[r * cols + j] - max);
                    }
                    for (int j = 0; j < cols; j++) {
                        double sh = a[r * cols + j] - max;
                        out[r * cols + j] = n.kind() == OpKind.SOFTMAX ? Math.exp(sh) / sum : sh - Math.log(sum);
                    }
                }
            }
            case REDUCE -> {
                Attr.Reduce r = (Attr.Reduce) n.attr();
                Shape xs = in.get(0).shape();
                boolean mean = r.reduction() == io.kiln.core.Reduction.MEAN;
                if (r.all() || xs.rank() == 1) {
                    double acc = 0;
                    for (double x : a) {
                        acc += x;
                    }
                    out[0] = mean ? acc / a.length : acc;
                } else {
                    int ax = r.axis() < 0 ? 2 + r.axis() : r.axis();
                    int rows = xs.dim(0);
                    int cols = xs.dim(1);
                    for (int i = 0; i < rows; i++) {
                        for (int j = 0; j < cols; j++) {
                            out[ax == 1 ? i : j] += a[i * cols + j];
                        }
                    }
                    if (mean) {
                        for (int i = 0; i < size; i++) {
                            out[i] /= ax == 1 ? cols : rows;
                        }
                    }
                }
            }
            case RESHAPE -> System.arraycopy(a, 0, out, 0, size);
            case BROADCAST_TO -> out = broadcast(a, in.get(0).shape(), s);
            case DROPOUT -> {
                Attr.Dropout d = (Attr.Dropout) n.attr();
                double scale = d.p() >= 1 ? 0 : (float) (1.0 / (1.0 - d.p()));
                for (int i = 0; i < size; i++) {
                    out[i] = Philox.keep(d.p(), Philox.word(d.seed(), d.base() + i)) ? a[i] * scale : 0;
                }
            }
            case MSE_LOSS -> {
                double acc = 0;
                for (int i = 0; i < a.length; i++) {
                    acc += (a[i] - b[i]) * (a[i] - b[i]);
                }
                out[0] = acc / a.length;
            }
            case CROSS_ENTROPY, NLL_LOSS, CROSS_ENTROPY_SOFT -> {
                Shape ls = in.get(0).shape();
                int rows = ls.dim(0);
                int cols = ls.dim(1);
                int[] l = n.kind() == OpKind.CROSS_ENTROPY_SOFT ? null : labels.get(in.get(1));
                double acc = 0;
                for (int r = 0; r < rows; r++) {
                    double lse = 0;
                    if (n.kind() != OpKind.NLL_LOSS) {
                        double max = Double.NEGATIVE_INFINITY;
                        for (int j = 0; j < cols; j++) {
                            max = Math.max(max, a[r * cols + j]);
                        }
                        double sum = 0;
                        for (int j = 0; j < cols; j++) {
                            sum += Math.exp(a[r * cols + j] - max);
                        }
                        lse = max + Math.log(sum);
                    }
                    if (l != null) {
                        acc += lse - a[r * cols + l[r]];
                    } else {
                        for (int j = 0; j < cols; j++) {
                            acc += b[r * cols + j] * (lse - a[r * cols + j]);
                        }
                    }
                }
                out[0] = acc / rows;
            }
            default -> throw new IllegalStateException("float64 interpreter: no rule for " + n);
        }
        return out;
    }

    private static double[] broadcast(double[] a, Shape from, Shape to) {
        if (from.equals(to)) {
            return a;
        }
        int[] strides = Broadcast.strides(from, to);
        int[] dims = to.dims();
        double[] out = new double[to.size()];
        int[] idx = new int[dims.length];
        for (int i = 0; i < out.length; i++) {
            int rem = i;
            int pos = 0;
            for (int d = dims.length - 1; d >= 0; d--) {
                idx[d] = rem % dims[d];
                rem /= dims[d];
                pos += idx[d] * strides[d];
            }
            out[i] = a[pos];
        }
        return out;
    }
}
