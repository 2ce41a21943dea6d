package io.kiln.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiln.backend.reference.DoubleMath;
import io.kiln.backend.reference.ReferenceBackend;
import io.kiln.core.Activation;
import io.kiln.core.Backend;
import io.kiln.core.Philox;
import io.kiln.core.Reduction;
import io.kiln.core.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every backward kernel against central finite differences of a float64 forward: {@link DoubleMath} for the
 * activations, and double-precision row ops and losses written here. On the reference backend the check is tight
 * ({@link Tolerance#REFERENCE_GRADIENT}, {@link Tolerance#REFERENCE_ROW_GRADIENT}): its backward kernels compute in
 * float64 and round once, so any formula error shows. On every other backend the same check runs at the float32
 * tolerance of the matching forward-vs-golden comparison (the conformance suite compares those backends' backward
 * kernels with the reference's as well).
 *
 * <p>The loss L whose gradient is checked is {@code Σ dy·f(x)} for a random upstream dy (or the loss itself for the
 * losses); the step is {@code h = H·max(1, |x|)} per element, and inputs stay away from kinks (ReLU at 0).
 */
class GradientCheckTest {

    static List<String> backends() {
        return TestBackends.names();
    }

    private Backend be;
    private String name;
    private boolean reference;

    private void use(String backendName) {
        name = backendName;
        be = TestBackends.get(backendName);
        reference = backendName.equals("reference");
    }

    /** The tight tolerance on the reference, the float32 one elsewhere. */
    private Tolerance tol(Tolerance float32, Tolerance referenceTol) {
        return reference ? referenceTol : float32;
    }

    // ---------------------------------------------------------------------------------- finite differences

    /** A scalar function of a vector, in float64. */
    @FunctionalInterface
    interface Fn {
        double at(double[] x);
    }

    /**
     * Central differences {@code (f(x + h·e_i) − f(x − h·e_i)) / (2h)} with {@code h = relStep·max(1, |x_i|)}
     * (the step actually taken, {@code (x + h) − (x − h)}, divides, so rounding of x ± h does not bias it).
     */
    static double[] centralDifferences(Fn f, double[] x, double relStep) {
        double[] g = new double[x.length];
        double[] xp = x.clone();
        for (int i = 0; i < x.length; i++) {
            double h = relStep * Math.max(1, Math.abs(x[i]));
            double hi = x[i] + h;
            double lo = x[i] - h;
            xp[i] = hi;
            double fp = f.at(xp);
            xp[i] = lo;
            double fm = f.at(xp);
            xp[i] = x[i];
            g[i] = (fp - fm) / (hi - lo);
        }
        return g;
    }

    static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }

    private void checkGradient(Tolerance t, String what, double[] fd, float[] actual) {
        Compare.within(t, name + " " + what + " vs central differences", fd, actual);
    }

    // ----------------------------------------------------------------------------- float64 forward functions

    /** Row-wise softmax (or log-softmax) of x viewed as rows×cols, in float64, max-subtracted. */
    static double[] softmax(double[] x, int rows, int cols, boolean log) {
        double[] y = new double[x.length];
        for (int r = 0; r < rows; r++) {
            int off = r * cols;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                max = Math.max(max, x[off + j]);
            }
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                sum += Math.exp(x[off + j] - max);
            }
            for (int j = 0; j < cols; j++) {
                y[off + j] = log ? x[off + j] - max - Math.log(sum) : Math.exp(x[off + j] - max) / sum;
            }
        }
        return y;
    }

    static double dot(double[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** mean((p − t)²). */
    static double mse(double[] p, float[] t) {
        double s = 0;
        for (int i = 0; i < p.length; i++) {
            double d = p[i] - t[i];
            s += d * d;
        }
        return s / p.length;
    }

    /** mean over rows of −log_softmax(x)[label]. */
    static double crossEntropy(double[] x, int[] labels, int cols) {
        double[] ls = softmax(x, labels.length, cols, true);
        double s = 0;
        for (int r = 0; r < labels.length; r++) {
            s -= ls[r * cols + labels[r]];
        }
        return s / labels.length;
    }

    /** mean over rows of −Σ_j t·log_softmax(x). */
    static double crossEntropySoft(double[] x, float[] t, int rows, int cols) {
        double[] ls = softmax(x, rows, cols, true);
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s -= t[i] * ls[i];
        }
        return s / rows;
    }

    /** C = op(A)·op(B) in float64; A stored k×m when transA, B stored n×k when transB. */
    static double[] gemm(boolean ta, boolean tb, int m, int n, int k, double[] a, double[] b) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += (ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]);
                }
                c[i * n + j] = s;
            }
        }
        return c;
    }

    // ------------------------------------------------------------------------------------------------- tests

    /** Relative FD step for smooth functions of O(1)–O(10) inputs: truncation ~h², rounding ~1e-16·|f|/h. */
    private static final double H = 1e-5;

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void activationBackwardForEveryActivation(String backendName) {
        use(backendName);
        SplittableRandom r = new SplittableRandom(100);
        int n = 257;
        for (Activation act : Activation.values()) {
            float[] x = Inputs.uniform(r, n, -8, 8);
            for (int i = 0; i < n; i++) {
                while (Math.abs(x[i]) < 1e-3) { // stay off ReLU's kink: |x| ≫ h
                    x[i] = (float) (16 * r.nextDouble() - 8);
                }
            }
            float[] dy = Inputs.uniform(r, n, -1, 1);
            double[] fd = new double[n];
            for (int i = 0; i < n; i++) {
                // separable: dL/dx_i = dy_i·f'(x_i); difference f alone
                double xi = x[i];
                double h = H * Math.max(1, Math.abs(xi));
                double slope = (DoubleMath.activation(act, xi + h) - DoubleMath.activation(act, xi - h))
                        / ((xi + h) - (xi - h));
                fd[i] = dy[i] * slope;
            }
            float[] dx;
            try (Tensor xt = be.fromArray(x, n); Tensor dyt = be.fromArray(dy, n); Tensor dxt = be.allocate(n)) {
                be.activationBackward(act, xt, dyt, dxt);
                dx = be.toArray(dxt);
            }
            checkGradient(tol(Tolerance.DERIVATIVE, Tolerance.REFERENCE_GRADIENT), act.opName() + "_backward", fd,
                    dx);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void softmaxAndLogSoftmaxBackward(String backendName) {
        use(backendName);
        SplittableRandom r = new SplittableRandom(101);
        int[][] shapes = {{1, 1}, {1, 2}, {4, 7}, {3, 37}, {2, 3, 5}, {1, 200}};
        for (int[] dims : shapes) {
            int n = Inputs.size(dims);
            int cols = dims[dims.length - 1];
            int rows = n / cols;
            float[] x = Inputs.uniform(r, n, -5, 5);
            float[] dy = Inputs.uniform(r, n, -1, 1);
            for (boolean log : new boolean[] {false, true}) {
                String op = (log ? "log_softmax" : "softmax") + " " + Arrays.toString(dims);
                double[] fd = centralDifferences(v -> dot(softmax(v, rows, cols, log), dy), toDouble(x), H);
                float[] y;
                float[] dx;
                try (Tensor xt = be.fromArray(x, dims); Tensor yt = be.allocate(dims); Tensor dyt = be.fromArray(dy,
                        dims); Tensor dxt = be.allocate(dims)) {
                    if (log) {
                        be.logSoftmax(xt, yt);
                        be.logSoftmaxBackward(yt, dyt, dxt);
                    } else {
                        be.softmax(xt, yt);
                        be.softmaxBackward(yt, dyt, dxt);
                    }
                    y = be.toArray(yt);
                    dx = be.toArray(dxt);
                }
                Compare.within(tol(log ? Tolerance.LOG_SOFTMAX : Tolerance.SOFTMAX, Tolerance.REFERENCE_GRADIENT),
                        name + " " + op + " forward vs float64", softmax(toDouble(x), rows, cols, log), y);
                checkGradient(tol(log ? Tolerance.LOG_SOFTMAX : Tolerance.SOFTMAX, Tolerance.REFERENCE_ROW_GRADIENT),
                        op + "_backward", fd, dx);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void mseGradient(String backendName) {
        use(backendName);
        SplittableRandom r = new SplittableRandom(102);
        for (int[] dims : new int[][] {{1}, {7, 13}, {2, 3, 5}, {259}}) {
            int n = Inputs.size(dims);
            float[] p = Inputs.uniform(r, n, -2, 2);
            float[] t = Inputs.uniform(r, n, -2, 2);
            double[] fd = centralDifferences(v -> mse(v, t), toDouble(p), H);
            float loss;
            float[] g;
            try (Tensor pt = be.fromArray(p, dims); Tensor tt = be.fromArray(t, dims); Tensor gt = be.allocate(dims)) {
                loss = be.mseLoss(pt, tt, gt);
                g = be.toArray(gt);
            }
            String s = "mse_loss " + Arrays.toString(dims);
            tol(Tolerance.LOSS, Tolerance.REFERENCE_GRADIENT).assertClose(name + " " + s + " loss vs float64",
                    mse(toDouble(p), t), loss);
            checkGradient(tol(Tolerance.ELEMENTWISE, Tolerance.REFERENCE_GRADIENT), s + " dpred", fd, g);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void crossEntropyDlogitsWithIntegerLabels(String backendName) {
        use(backendName);
        SplittableRandom r = new SplittableRandom(103);
        for (int[] dims : new int[][] {{1, 1}, {1, 5}, {7, 13}, {3, 37}, {2, 300}}) {
            int rows = dims[0], cols = dims[1];
            float[] x = Inputs.uniform(r, rows * cols, -5, 5);
            int[] labels = Inputs.labels(r, rows, cols);
            double[] fd = centralDifferences(v -> crossEntropy(v, labels, cols), toDouble(x), H);
            float loss;
            float[] g;
            try (Tensor xt = be.fromArray(x, dims); Tensor gt = be.allocate(dims)) {
                loss = be.crossEntropy(xt, labels, gt);
                g = be.toArray(gt);
            }
            String s = "cross_entropy " + Arrays.toString(dims);
            tol(Tolerance.LOSS, Tolerance.REFERENCE_GRADIENT).assertClose(name + " " + s + " loss vs float64",
                    crossEntropy(toDouble(x), labels, cols), loss);
            checkGradient(tol(Tolerance.LOSS, Tolerance.REFERENCE_GRADIENT), s + " dlogits", fd, g);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void crossEntropyDlogitsWithSoftLabels(String backendName) {
        use(backendName);
        SplittableRandom r = new SplittableRandom(104);
        for (int[] dims : new int[][] {{1, 1}, {1, 5}, {7, 13}, {3, 37}}) {
            int rows = dims[0], cols = dims[1];
            for (boolean normalized : new boolean[] {true, false}) {
                float[] x = Inputs.uniform(r, rows * cols, -5, 5);
                float[] t = normalized ? Inputs.softLabels(r, rows, cols) : Inputs.uniform(r, rows * cols, 0, 1);
                double[] fd = centralDifferences(v -> crossEntropySoft(v, t, rows, cols), toDouble(x), H);
                float loss;
                float[] g;
                try (Tensor xt = be.fromArray(x, dims); Tensor tt = be.fromArray(t, dims);
                     Tensor gt = be.allocate(dims)) {
                    loss = be.crossEntropySoft(xt, tt, gt);
                    g = be.toArray(gt);
                }
                String s = "cross_entropy_soft " + Arrays.toString(dims) + (normalized ? "" : " unnormalized");
                tol(Tolerance.LOSS, Tolerance.REFERENCE_GRADIENT).assertClose(name + " " + s + " loss vs float64",
                        crossEntropySoft(toDouble(x), t, rows, cols), loss);
                checkGradient(tol(Tolerance.LOSS, Tolerance.REFERENCE_GRADIENT), s + " dlogits", fd, g);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void dropoutBackward(String backendName) {
        use(backendName);
        SplittableRandom r = new SplittableRandom(105);
        int n = 301;
        for (float p : new float[] {0f, 0.25f, 0.5f, 0.9f, 1f}) {
            long seed = 1234 + (long) (p * 100);
            long offset = 17;
            float[] x = Inputs.uniform(r, n, -2, 2);
            float[] dy = Inputs.uniform(r, n, -1, 1);
            double scale = ReferenceBackend.dropoutScale(p);
            Fn forward = v -> {
                double s = 0;
                for (int i = 0; i < v.length; i++) {
                    boolean keep = Philox.keep(p, Philox.word(seed, offset + i));
                    s += dy[i] * (keep ? v[i] * scale : 0);
                }
                return s;
            };
            double[] fd = centralDifferences(forward, toDouble(x), 1e-3); // linear: any step is exact
            float[] dx;
            try (Tensor dyt = be.fromArray(dy, n); Tensor dxt = be.allocate(n)) {
                be.dropoutBackward(dyt, p, seed, offset, dxt);
                dx = be.toArray(dxt);
            }
            checkGradient(tol(Tolerance.ELEMENTWISE, Tolerance.REFERENCE_GRADIENT), "dropout_backward p=" + p, fd,
                    dx);
        }
    }

    /**
     * GEMM's gradient identities, each computed with the backend's own GEMM: for L = Σ G∘(op(A)·op(B)),
     * dop(A) = G·op(B)ᵀ and dop(B) = op(A)ᵀ·G, stored transposed where A or B is. Every transpose pair of the
     * forward needs a different transpose pair of the backward GEMMs, so all four are exercised.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void gemmGradientIdentities(String backendName) {
        use(backendName);
        SplittableRandom r = new SplittableRandom(106);
        for (int[] s : new int[][] {{5, 7, 3}, {4, 1, 6}, {1, 9, 8}, {13, 11, 17}}) {
            int m = s[0], n = s[1], k = s[2];
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    float[] a = Inputs.uniform(r, m * k, -1, 1);
                    float[] b = Inputs.uniform(r, k * n, -1, 1);
                    float[] g = Inputs.uniform(r, m * n, -1, 1);
                    double[] bd = toDouble(b);
                    double[] ad = toDouble(a);
                    double[] fdA = centralDifferences(v -> dot(gemm(ta, tb, m, n, k, v, bd), g), ad, 1e-3);
                    double[] fdB = centralDifferences(v -> dot(gemm(ta, tb, m, n, k, ad, v), g), bd, 1e-3);
                    int[] aDims = ta ? new int[] {k, m} : new int[] {m, k};
                    int[] bDims = tb ? new int[] {n, k} : new int[] {k, n};
                    float[] dA;
                    float[] dB;
                    double[] boundA;
                    double[] boundB;
                    try (Tensor at = be.fromArray(a, aDims); Tensor bt = be.fromArray(b, bDims);
                         Tensor gt = be.fromArray(g, m, n); Tensor dAt = be.allocate(aDims);
                         Tensor dBt = be.allocate(bDims)) {
                        if (!ta) {
                            // dA (m×k) = G·op(B)ᵀ: op(B)ᵀ is Bᵀ when B is stored k×n, B itself when stored n×k
                            be.gemm(false, !tb, 1f, gt, bt, 0f, dAt);
                            boundA = DotProductBound.gemm(false, !tb, m, k, n, 1f, g, b, 0f, null, null);
                        } else {
                            // A stored k×m: dA = (G·op(B)ᵀ)ᵀ = op(B)·Gᵀ
                            be.gemm(tb, true, 1f, bt, gt, 0f, dAt);
                            boundA = DotProductBound.gemm(tb, true, k, m, n, 1f, b, g, 0f, null, null);
                        }
                        if (!tb) {
                            // dB (k×n) = op(A)ᵀ·G: op(A)ᵀ is Aᵀ when A is stored m×k, A itself when stored k×m
                            be.gemm(!ta, false, 1f, at, gt, 0f, dBt);
                            boundB = DotProductBound.gemm(!ta, false, k, n, m, 1f, a, g, 0f, null, null);
                        } else {
                            // B stored n×k: dB = (op(A)ᵀ·G)ᵀ = Gᵀ·op(A)
                            be.gemm(true, ta, 1f, gt, at, 0f, dBt);
                            boundB = DotProductBound.gemm(true, ta, n, k, m, 1f, g, a, 0f, null, null);
                        }
                        dA = be.toArray(dAt);
                        dB = be.toArray(dBt);
                    }
                    String what = "gemm " + m + "x" + n + "x" + k + " transA=" + ta + " transB=" + tb;
                    if (reference) {
                        checkGradient(Tolerance.REFERENCE_GRADIENT, what + " dA", fdA, dA);
                        checkGradient(Tolerance.REFERENCE_GRADIENT, what + " dB", fdB, dB);
                    } else {
                        Compare.withinBounds(name + " " + what + " dA vs central differences", boundA, toFloat(fdA),
                                dA, DotProductBound.REASON);
                        Compare.withinBounds(name + " " + what + " dB vs central differences", boundB, toFloat(fdB),
                                dB, DotProductBound.REASON);
                    }
                }
            }
        }
    }

    private static float[] toFloat(double[] x) {
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            f[i] = (float) x[i];
        }
        return f;
    }

    /** The bias of y = x + bias (every row) gets the column sums of dy: reduce SUM over axis 0. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void biasAddGradientIsTheColumnSum(String backendName) {
        use(backendName);
        SplittableRandom r = new SplittableRandom(107);
        for (int[] dims : new int[][] {{1, 1}, {7, 13}, {31, 5}, {1, 17}}) {
            int rows = dims[0], cols = dims[1];
            float[] x = Inputs.uniform(r, rows * cols, -1, 1);
            float[] bias = Inputs.uniform(r, cols, -1, 1);
            float[] dy = Inputs.uniform(r, rows * cols, -1, 1);
            double[] xd = toDouble(x);
            Fn forward = bv -> {
                double s = 0;
                for (int i = 0; i < xd.length; i++) {
                    s += dy[i] * (xd[i] + bv[i % cols]);
                }
                return s;
            };
            double[] fd = centralDifferences(forward, toDouble(bias), 1e-3); // linear in the bias
            float[] db;
            float[] y;
            try (Tensor xt = be.fromArray(x, dims); Tensor bt = be.fromArray(bias, cols);
                 Tensor yt = be.allocate(dims); Tensor dyt = be.fromArray(dy, dims); Tensor dbt = be.allocate(cols)) {
                be.biasAdd(xt, bt, yt);
                be.reduce(Reduction.SUM, dyt, 0, dbt);
                y = be.toArray(yt);
                db = be.toArray(dbt);
            }
            for (int i = 0; i < y.length; i++) {
                assertTrue(y[i] == x[i] + bias[i % cols], name + " bias_add forward [" + i + "]");
            }
            String what = "bias_add " + Arrays.toString(dims) + " dbias (reduce_sum axis 0)";
            if (reference) {
                checkGradient(Tolerance.REFERENCE_GRADIENT, what, fd, db);
            } else {
                double[] bound = new double[cols];
                for (int j = 0; j < cols; j++) {
                    double abs = 0;
                    for (int i = 0; i < rows; i++) {
                        abs += Math.abs(dy[i * cols + j]);
                    }
                    bound[j] = DotProductBound.sum(abs);
                }
                Compare.withinBounds(name + " " + what + " vs central differences", bound, toFloat(fd), db,
                        DotProductBound.REASON);
            }
        }
    }
}
