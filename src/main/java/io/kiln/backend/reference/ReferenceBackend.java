package io.kiln.backend.reference;

import io.kiln.core.AdamConfig;
import io.kiln.core.Activation;
import io.kiln.core.Backend;
import io.kiln.core.BinaryOp;
import io.kiln.core.Broadcast;
import io.kiln.core.Epilogue;
import io.kiln.core.HostTensor;
import io.kiln.core.MemorySpace;
import io.kiln.core.Philox;
import io.kiln.core.Reduction;
import io.kiln.core.SgdConfig;
import io.kiln.core.Shape;
import io.kiln.core.Tensor;
import io.kiln.core.UnaryOp;

/**
 * The oracle: every op in plain, single-threaded Java with float64 arithmetic, rounded to float32 once per output
 * element. Written to be read, not to be fast. Every other backend is tested against it.
 *
 * <p>Accuracy: elementwise ops and activations are the correctly rounded float of the float64 formula (within one
 * float ulp of the exact value); GEMM sums products exactly representable in float64, so its error is that of a
 * float64 dot product (about k·2^-53 relative) before the single rounding to float. Optimizer states (momentum, m,
 * v) are stored in float32 between steps, as in PyTorch.
 */
public final class ReferenceBackend extends Backend {

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public MemorySpace memory() {
        return MemorySpace.HOST;
    }

    @Override
    public String description() {
        return "plain Java, float64 accumulation, single thread (the oracle)";
    }

    private static float[] d(Tensor t) {
        return ((HostTensor) t).data();
    }

    // ------------------------------------------------------------------------------------------------ memory

    @Override
    protected Tensor newTensor(Shape shape) {
        return new HostTensor(shape, this, new float[shape.size()]);
    }

    @Override
    protected void doCopyIn(float[] src, Tensor dst) {
        System.arraycopy(src, 0, d(dst), 0, src.length);
    }

    @Override
    protected void doCopyOut(Tensor src, float[] dst) {
        System.arraycopy(d(src), 0, dst, 0, dst.length);
    }

    @Override
    protected void doCopy(Tensor src, Tensor dst) {
        System.arraycopy(d(src), 0, d(dst), 0, src.size());
    }

    @Override
    protected void doFill(Tensor dst, float value) {
        java.util.Arrays.fill(d(dst), value);
    }

    // -------------------------------------------------------------------------------------------------- GEMM

    @Override
    protected void doGemm(boolean transA, boolean transB, int m, int n, int k, float alpha, Tensor a, Tensor b,
                          float beta, Tensor c, Epilogue epilogue) {
        float[] bias = epilogue.bias() == null ? null : d(epilogue.bias());
        gemm(transA, transB, m, n, k, alpha, d(a), 0, d(b), 0, beta, d(c), 0, bias, epilogue.activation());
    }

    @Override
    protected void doBatchedGemm(boolean transA, boolean transB, int batch, int m, int n, int k, float alpha,
                                 Tensor a, Tensor b, float beta, Tensor c) {
        for (int i = 0; i < batch; i++) {
            gemm(transA, transB, m, n, k, alpha, d(a), i * m * k, d(b), i * k * n, beta, d(c), i * m * n, null,
                    Activation.IDENTITY);
        }
    }

    /**
     * C = act(alpha·op(A)·op(B) + beta·C + bias), each element accumulated in float64. A is m×k (k×m when
     * transposed), B is k×n (n×k when transposed), row-major from the given offsets.
     */
    static void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff,
                     float[] b, int bOff, float beta, float[] c, int cOff, float[] bias, Activation act) {
        double[] acc = new double[n];
        for (int i = 0; i < m; i++) {
            java.util.Arrays.fill(acc, 0.0);
            for (int p = 0; p < k; p++) {
                double aip = transA ? a[aOff + p * m + i] : a[aOff + i * k + p];
                for (int j = 0; j < n; j++) {
                    double bpj = transB ? b[bOff + j * k + p] : b[bOff + p * n + j];
                    acc[j] += aip * bpj;
                }
            }
            for (int j = 0; j < n; j++) {
                double v = alpha * acc[j];
                if (beta != 0) {
                    v += (double) beta * c[cOff + i * n + j];
                }
                if (bias != null) {
                    v += bias[j];
                }
                c[cOff + i * n + j] = (float) DoubleMath.activation(act, v);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- elementwise

    @Override
    protected void doBinary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        Shape shape = out.shape();
        int[] sa = Broadcast.strides(a.shape(), shape);
        int[] sb = Broadcast.strides(b.shape(), shape);
        float[] x = d(a);
        float[] y = d(b);
        float[] o = d(out);
        int rank = shape.rank();
        int[] index = new int[rank];
        int ia = 0;
        int ib = 0;
        for (int i = 0; i < o.length; i++) {
            o[i] = (float) apply(op, x[ia], y[ib]);
            // advance the multi-index, last dimension fastest
            for (int dim = rank - 1; dim >= 0; dim--) {
                index[dim]++;
                ia += sa[dim];
                ib += sb[dim];
                if (index[dim] < shape.dim(dim)) {
                    break;
                }
                ia -= sa[dim] * index[dim];
                ib -= sb[dim] * index[dim];
                index[dim] = 0;
            }
        }
    }

    private static double apply(BinaryOp op, double a, double b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
        };
    }

    @Override
    protected void doScale(float alpha, Tensor x, Tensor out) {
        float[] xs = d(x);
        float[] o = d(out);
        for (int i = 0; i < xs.length; i++) {
            o[i] = (float) ((double) alpha * xs[i]);
        }
    }

    @Override
    protected void doAxpy(float alpha, Tensor x, Tensor y) {
        float[] xs = d(x);
        float[] ys = d(y);
        for (int i = 0; i < xs.length; i++) {
            ys[i] = (float) ((double) alpha * xs[i] + ys[i]);
        }
    }

    @Override
    protected void doBiasAdd(Tensor x, Tensor bias, Tensor out) {
        float[] xs = d(x);
        float[] bs = d(bias);
        float[] o = d(out);
        int cols = bs.length;
        for (int i = 0; i < xs.length; i++) {
            o[i] = xs[i] + bs[i % cols];
        }
    }

    @Override
    protected void doClamp(Tensor x, float lo, float hi, Tensor out) {
        float[] xs = d(x);
        float[] o = d(out);
        for (int i = 0; i < xs.length; i++) {
            o[i] = Math.min(Math.max(xs[i], lo), hi);
        }
    }

    @Override
    protected void doUnary(UnaryOp op, Tensor x, Tensor out) {
        float[] xs = d(x);
        float[] o = d(out);
        for (int i = 0; i < xs.length; i++) {
            double v = xs[i];
            o[i] = (float) switch (op) {
                case NEG -> -v;
                case ABS -> Math.abs(v);
                case EXP -> Math.exp(v);
                case LOG -> Math.log(v);
                case TANH -> Math.tanh(v);
                case ERF -> DoubleMath.erf(v);
                case SQRT -> Math.sqrt(v);
                case RECIPROCAL -> 1.0 / v;
                case SQUARE -> v * v;
            };
        }
    }

    @Override
    protected void doActivation(Activation act, Tensor x, Tensor y) {
        float[] xs = d(x);
        float[] ys = d(y);
        for (int i = 0; i < xs.length; i++) {
            ys[i] = (float) DoubleMath.activation(act, xs[i]);
        }
    }

    @Override
    protected void doActivationBackward(Activation act, Tensor x, Tensor dy, Tensor dx) {
        float[] xs = d(x);
        float[] g = d(dy);
        float[] o = d(dx);
        for (int i = 0; i < xs.length; i++) {
            o[i] = (float) (DoubleMath.derivative(act, xs[i]) * g[i]);
        }
    }

    // ------------------------------------------------------------------------------------------------- softmax

    @Override
    protected void doSoftmax(Tensor x, Tensor y, boolean log) {
        float[] xs = d(x);
        float[] ys = d(y);
        int rows = x.shape().rows();
        int cols = x.shape().cols();
        for (int r = 0; r < rows; r++) {
            int off = r * cols;
            double max = rowMax(xs, off, cols);
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                sum += Math.exp(xs[off + j] - max);
            }
            double logSum = Math.log(sum);
            for (int j = 0; j < cols; j++) {
                double shifted = xs[off + j] - max;
                ys[off + j] = (float) (log ? shifted - logSum : Math.exp(shifted) / sum);
            }
        }
    }

    /** Max of a row; NaN if any element is NaN; −Inf for an empty row. */
    private static double rowMax(float[] xs, int off, int cols) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < cols; j++) {
            double v = xs[off + j];
            if (v > max || Double.isNaN(v)) {
                max = v;
                if (Double.isNaN(v)) {
                    break;
                }
            }
        }
        return max;
    }

    @Override
    protected void doSoftmaxBackward(Tensor y, Tensor dy, Tensor dx, boolean log) {
        float[] ys = d(y);
        float[] g = d(dy);
        float[] o = d(dx);
        int rows = y.shape().rows();
        int cols = y.shape().cols();
        for (int r = 0; r < rows; r++) {
            int off = r * cols;
            double s = 0;
            for (int j = 0; j < cols; j++) {
                s += log ? g[off + j] : (double) g[off + j] * ys[off + j];
            }
            for (int j = 0; j < cols; j++) {
                double yj = ys[off + j];
                double gj = g[off + j];
                o[off + j] = (float) (log ? gj - Math.exp(yj) * s : yj * (gj - s));
            }
        }
    }

    // -------------------------------------------------------------------------------------------------- losses

    @Override
    protected float doMseLoss(Tensor pred, Tensor target, Tensor dpred) {
        float[] p = d(pred);
        float[] t = d(target);
        int n = p.length;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double diff = (double) p[i] - t[i];
            sum += diff * diff;
        }
        if (dpred != null) {
            float[] g = d(dpred);
            for (int i = 0; i < n; i++) {
                g[i] = (float) (2.0 * ((double) p[i] - t[i]) / n);
            }
        }
        return (float) (sum / n);
    }

    @Override
    protected float doCrossEntropy(Tensor logits, int[] labels, Tensor dlogits) {
        float[] x = d(logits);
        float[] g = dlogits == null ? null : d(dlogits);
        int rows = logits.dim(0);
        int cols = logits.dim(1);
        double total = 0;
        for (int r = 0; r < rows; r++) {
            int off = r * cols;
            double max = rowMax(x, off, cols);
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                sum += Math.exp(x[off + j] - max);
            }
            double lse = max + Math.log(sum);
            total += lse - x[off + labels[r]];
            if (g != null) {
                for (int j = 0; j < cols; j++) {
                    double p = Math.exp(x[off + j] - lse);
                    g[off + j] = (float) ((p - (j == labels[r] ? 1 : 0)) / rows);
                }
            }
        }
        return (float) (total / rows);
    }

    @Override
    protected float doCrossEntropySoft(Tensor logits, Tensor targets, Tensor dlogits) {
        float[] x = d(logits);
        float[] t = d(targets);
        float[] g = dlogits == null ? null : d(dlogits);
        int rows = logits.dim(0);
        int cols = logits.dim(1);
        double total = 0;
        for (int r = 0; r < rows; r++) {
            int off = r * cols;
            double max = rowMax(x, off, cols);
            double sum = 0;
            double targetSum = 0;
            for (int j = 0; j < cols; j++) {
                sum += Math.exp(x[off + j] - max);
                targetSum += t[off + j];
            }
            double lse = max + Math.log(sum);
            for (int j = 0; j < cols; j++) {
                total += t[off + j] * (lse - x[off + j]);
            }
            if (g != null) {
                for (int j = 0; j < cols; j++) {
                    double p = Math.exp(x[off + j] - lse);
                    g[off + j] = (float) ((p * targetSum - t[off + j]) / rows);
                }
            }
        }
        return (float) (total / rows);
    }

    // ---------------------------------------------------------------------------------------------- reductions

    @Override
    protected void doReduce(Reduction reduction, Tensor x, int axis, Tensor out) {
        float[] xs = d(x);
        float[] o = d(out);
        int rows = x.rank() == 1 ? 1 : x.dim(0);
        int cols = x.rank() == 1 ? x.dim(0) : x.dim(1);
        boolean alongRows = x.rank() == 1 || axis == 1; // one result per row, reducing its columns
        int outer = alongRows ? rows : cols;
        int inner = alongRows ? cols : rows;
        for (int o1 = 0; o1 < outer; o1++) {
            double acc = reduction == Reduction.MAX ? Double.NEGATIVE_INFINITY : 0;
            for (int i = 0; i < inner; i++) {
                double v = alongRows ? xs[o1 * cols + i] : xs[i * cols + o1];
                if (reduction == Reduction.MAX) {
                    acc = Double.isNaN(acc) || Double.isNaN(v) ? Double.NaN : Math.max(acc, v);
                } else {
                    acc += v;
                }
            }
            o[o1] = (float) (reduction == Reduction.MEAN ? acc / inner : acc);
        }
    }

    @Override
    protected void doArgmax(Tensor x, int axis, int[] out) {
        float[] xs = d(x);
        int rows = x.rank() == 1 ? 1 : x.dim(0);
        int cols = x.rank() == 1 ? x.dim(0) : x.dim(1);
        boolean alongRows = x.rank() == 1 || axis == 1;
        int outer = alongRows ? rows : cols;
        int inner = alongRows ? cols : rows;
        for (int o1 = 0; o1 < outer; o1++) {
            int best = 0;
            float bestValue = alongRows ? xs[o1 * cols] : xs[o1];
            for (int i = 1; i < inner && !Float.isNaN(bestValue); i++) {
                float v = alongRows ? xs[o1 * cols + i] : xs[i * cols + o1];
                if (v > bestValue || Float.isNaN(v)) {
                    best = i;
                    bestValue = v;
                }
            }
            out[o1] = best;
        }
    }

    @Override
    protected float doL2Norm(Tensor[] tensors) {
        double sum = 0;
        for (Tensor t : tensors) {
            for (float v : d(t)) {
                sum += (double) v * v;
            }
        }
        return (float) Math.sqrt(sum);
    }

    // ------------------------------------------------------------------------------------------------- dropout

    @Override
    protected void doDropout(Tensor x, float p, long seed, long offset, Tensor y) {
        float[] xs = d(x);
        float[] ys = d(y);
        float scale = dropoutScale(p);
        for (int i = 0; i < xs.length; i++) {
            ys[i] = Philox.keep(p, Philox.word(seed, offset + i)) ? xs[i] * scale : 0f;
        }
    }

    /** 1/(1−p) rounded to float once, as every backend computes it (0 when p = 1). */
    public static float dropoutScale(float p) {
        return p >= 1f ? 0f : (float) (1.0 / (1.0 - p));
    }

    // ---------------------------------------------------------------------------------------------- optimizers

    @Override
    protected void doSgdStep(SgdConfig cfg, long step, Tensor param, Tensor grad, Tensor momentumBuffer) {
        float[] p = d(param);
        float[] g = d(grad);
        float[] buf = momentumBuffer == null ? null : d(momentumBuffer);
        for (int i = 0; i < p.length; i++) {
            double pi = p[i];
            double di = g[i] + cfg.weightDecay() * pi + cfg.l1() * Math.signum(pi);
            if (buf != null) {
                double b = step == 1 ? di : cfg.momentum() * (double) buf[i] + (1.0 - cfg.dampening()) * di;
                buf[i] = (float) b;
                di = cfg.nesterov() ? di + cfg.momentum() * b : b;
            }
            p[i] = (float) (pi - cfg.lr() * di);
        }
    }

    @Override
    protected void doAdamStep(AdamConfig cfg, long step, Tensor param, Tensor grad, Tensor m, Tensor v) {
        float[] p = d(param);
        float[] g = d(grad);
        float[] ms = d(m);
        float[] vs = d(v);
        double b1 = cfg.beta1();
        double b2 = cfg.beta2();
        double bc1 = 1.0 - Math.pow(b1, step);
        double bc2 = 1.0 - Math.pow(b2, step);
        double stepSize = cfg.lr() / bc1;
        double sqrtBc2 = Math.sqrt(bc2);
        for (int i = 0; i < p.length; i++) {
            double pi = p[i];
            double gi = g[i];
            if (cfg.decoupled()) {
                pi *= 1.0 - (double) cfg.lr() * cfg.weightDecay();
            } else {
                gi += cfg.weightDecay() * pi;
            }
            double mi = b1 * ms[i] + (1 - b1) * gi;
            double vi = b2 * vs[i] + (1 - b2) * gi * gi;
            ms[i] = (float) mi;
            vs[i] = (float) vi;
            double denom = Math.sqrt(vi) / sqrtBc2 + cfg.eps();
            p[i] = (float) (pi - stepSize * mi / denom);
        }
    }
}
