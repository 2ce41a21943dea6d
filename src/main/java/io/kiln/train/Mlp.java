package io.kiln.train;

import io.kiln.core.Activation;
import io.kiln.core.Epilogue;
import io.kiln.core.InvalidArgumentException;
import io.kiln.core.Reduction;
import io.kiln.core.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A multilayer perceptron on Kiln's eager kernels: dense layers {@code y = x·W + b} (W stored in × out, as the GEMM
 * takes it without a transpose), an activation per hidden layer, optional inverted dropout after each hidden
 * activation, and a softmax cross-entropy or MSE loss on the last layer's logits. With no hidden layers it is
 * multinomial logistic regression.
 *
 * <p><b>Kernels.</b> Inference runs each layer as one GEMM whose epilogue adds the bias and applies the activation.
 * Training does the same for ReLU, leaky ReLU and identity, whose derivative can be read from the output (y &gt; 0
 * exactly when x &gt; 0); for the other activations the backward needs the pre-activation, so the GEMM's epilogue
 * adds only the bias and a separate activation kernel follows. The backward is, per layer, {@code dW = xᵀ·dZ}
 * (GEMM), {@code db = Σ_rows dZ} (reduce), {@code dX = dZ·Wᵀ} (GEMM), then dropout's and the activation's
 * backward in place on dX. The loss is the fused softmax + cross-entropy kernel, which writes dlogits in the same
 * pass.
 *
 * <p><b>Memory.</b> Every tensor a step needs lives in a {@link Workspace}, allocated once per (batch size, training)
 * pair and reused: a run with a partial last batch uses two training workspaces, and after the first epoch a
 * training loop allocates nothing.
 *
 * <p><b>Dropout</b> draws its mask from Philox with (seed, offset); each step passes a fresh offset, and the
 * backward recomputes the mask from the same pair, so runs are reproducible and identical on every backend.
 *
 * <p>This class is the seam where a compiled graph will replace the eager calls: {@link #forward},
 * {@link #forwardBackward} and the workspace are all a trainer sees.
 */
public final class Mlp implements AutoCloseable {
    /** The loss on the logits. MSE compares them with one-hot targets (mean over rows and classes, as PyTorch). */
    public enum Loss { CROSS_ENTROPY, MSE }

    private final Ops ops;
    private final int[] widths;
    private final Activation[] activations;
    private final float dropout;
    private final Loss loss;
    private final Tensor[] weights;
    private final Tensor[] biases;
    private final Tensor[] weightGrads;
    private final Tensor[] biasGrads;
    private final List<Parameter> parameters;
    private final List<Workspace> workspaces = new ArrayList<>();

    /**
     * @param hidden      widths of the hidden layers (empty for logistic regression)
     * @param activations one per hidden layer, or a single one for all
     * @param seed        initialization seed: weights and biases ~ U(−1/√in, 1/√in), as {@code torch.nn.Linear}
     */
    public Mlp(Ops ops, int inputs, int[] hidden, Activation[] activations, int classes, float dropout, Loss loss,
               long seed) {
        if (inputs <= 0 || classes <= 0) {
            throw new InvalidArgumentException("mlp: inputs and classes must be > 0, got " + inputs + " and " + classes);
        }
        for (int h : hidden) {
            if (h <= 0) {
                throw new InvalidArgumentException("mlp: hidden widths must be > 0, got " + Arrays.toString(hidden));
            }
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new InvalidArgumentException("mlp: dropout must lie in [0, 1), got " + dropout);
        }
        if (hidden.length > 0 && activations.length != 1 && activations.length != hidden.length) {
            throw new InvalidArgumentException("mlp: " + activations.length + " activations for " + hidden.length
                    + " hidden layers; give one for all or one per layer");
        }
        this.ops = ops;
        this.loss = loss;
        this.dropout = dropout;
        this.widths = new int[hidden.length + 2];
        widths[0] = inputs;
        System.arraycopy(hidden, 0, widths, 1, hidden.length);
        widths[widths.length - 1] = classes;
        this.activations = new Activation[hidden.length];
        for (int i = 0; i < hidden.length; i++) {
            this.activations[i] = activations.length == 1 ? activations[0] : activations[i];
        }
        int layers = widths.length - 1;
        weights = new Tensor[layers];
        biases = new Tensor[layers];
        weightGrads = new Tensor[layers];
        biasGrads = new Tensor[layers];
        List<Parameter> params = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(seed);
        for (int l = 0; l < layers; l++) {
            int in = widths[l];
            int out = widths[l + 1];
            double bound = 1.0 / Math.sqrt(in);
            weights[l] = ops.fromArray(uniform(random, in * out, bound), in, out);
            biases[l] = ops.fromArray(uniform(random, out, bound), out);
            weightGrads[l] = ops.allocate(in, out);
            biasGrads[l] = ops.allocate(out);
            params.add(new Parameter("layer" + l + ".weight", weights[l], weightGrads[l]));
            params.add(new Parameter("layer" + l + ".bias", biases[l], biasGrads[l]));
        }
        this.parameters = List.copyOf(params);
    }

    private static float[] uniform(SplittableRandom random, int n, double bound) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextDouble(-bound, bound);
        }
        return v;
    }

    public List<Parameter> parameters() {
        return parameters;
    }

    public long parameterCount() {
        long n = 0;
        for (Parameter p : parameters) {
            n += p.size();
        }
        return n;
    }

    /** Layer widths, inputs first, classes last. */
    public int[] widths() {
        return widths.clone();
    }

    public int inputs() {
        return widths[0];
    }

    public int classes() {
        return widths[widths.length - 1];
    }

    public Activation[] activations() {
        return activations.clone();
    }

    public float dropout() {
        return dropout;
    }

    public Loss loss() {
        return loss;
    }

    /** Dropout elements drawn per example in one training step: the sum of the hidden widths. */
    public long dropoutElementsPerRow() {
        long n = 0;
        for (int i = 1; i < widths.length - 1; i++) {
            n += widths[i];
        }
        return n;
    }

    /** E.g. {@code 784-512-512-10 gelu_tanh, dropout 0.1}. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < widths.length; i++) {
            sb.append(i == 0 ? "" : "-").append(widths[i]);
        }
        if (activations.length > 0) {
            boolean same = Arrays.stream(activations).distinct().count() == 1;
            sb.append(' ').append(same ? activations[0].opName() : Arrays.toString(
                    Arrays.stream(activations).map(Activation::opName).toArray()));
        }
        if (dropout > 0) {
            sb.append(", dropout ").append(dropout);
        }
        sb.append(", ").append(loss == Loss.MSE ? "mse" : "softmax cross-entropy");
        return sb.toString();
    }

    /** The workspace for {@code batch} rows, created on first use and kept. */
    public Workspace workspace(int batch, boolean training) {
        for (Workspace w : workspaces) {
            if (w.batch == batch && w.training == training) {
                return w;
            }
        }
        Workspace w = new Workspace(batch, training);
        workspaces.add(w);
        return w;
    }

    private static boolean derivativeFromOutput(Activation act) {
        return act == Activation.RELU || act == Activation.LEAKY_RELU || act == Activation.IDENTITY;
    }

    /** Inference forward (no dropout, fused epilogues) of the batch loaded in {@code ws}; logits in {@code ws.logits()}. */
    public void forward(Workspace ws) {
        int layers = weights.length;
        Tensor in = ws.input;
        for (int l = 0; l < layers - 1; l++) {
            ops.gemm(false, false, 1f, in, weights[l], 0f, ws.act[l], Epilogue.of(biases[l], activations[l]));
            in = ws.act[l];
        }
        ops.gemm(false, false, 1f, in, weights[layers - 1], 0f, ws.logits, Epilogue.bias(biases[layers - 1]));
    }

    /** Class predictions for the batch in {@code ws} (after {@link #forward}), written to {@code ws.predictions()}. */
    public int[] predict(Workspace ws) {
        forward(ws);
        ops.argmax(ws.logits, 1, ws.predictions);
        return ws.predictions;
    }

    /**
     * Training forward and backward of the batch loaded in {@code ws}: writes every parameter's gradient (the mean
     * over the batch) and returns the batch's mean loss. Dropout, when on, uses {@code (dropoutSeed,
     * dropoutOffset + ...)}; the caller advances the offset by {@code rows · dropoutElementsPerRow()} per step.
     */
    public float forwardBackward(Workspace ws, long dropoutSeed, long dropoutOffset) {
        if (!ws.training) {
            throw new InvalidArgumentException("mlp: forwardBackward needs a training workspace, got an inference one"
                    + " for batch " + ws.batch);
        }
        int layers = weights.length;
        Tensor in = ws.input;
        long offset = dropoutOffset;
        for (int l = 0; l < layers - 1; l++) {
            Activation act = activations[l];
            if (derivativeFromOutput(act)) {
                ops.gemm(false, false, 1f, in, weights[l], 0f, ws.act[l], Epilogue.of(biases[l], act));
            } else {
                ops.gemm(false, false, 1f, in, weights[l], 0f, ws.pre[l], Epilogue.bias(biases[l]));
                ops.activation(act, ws.pre[l], ws.act[l]);
            }
            if (dropout > 0) {
                ws.dropoutOffsets[l] = offset;
                ops.dropout(ws.act[l], dropout, dropoutSeed, offset, ws.drop[l]);
                offset += ws.act[l].size();
            }
            in = ws.drop[l];
        }
        ops.gemm(false, false, 1f, in, weights[layers - 1], 0f, ws.logits, Epilogue.bias(biases[layers - 1]));
        float value = loss == Loss.CROSS_ENTROPY
                ? ops.crossEntropy(ws.logits, ws.labels, ws.dlogits)
                : ops.mseLoss(ws.logits, ws.target, ws.dlogits);

        Tensor dz = ws.dlogits;
        for (int l = layers - 1; l >= 0; l--) {
            Tensor layerInput = l == 0 ? ws.input : ws.drop[l - 1];
            ops.gemm(true, false, 1f, layerInput, dz, 0f, weightGrads[l]);
            ops.reduce(Reduction.SUM, dz, 0, biasGrads[l]);
            if (l > 0) {
                Tensor g = ws.grad[l - 1];
                ops.gemm(false, true, 1f, dz, weights[l], 0f, g);
                if (dropout > 0) {
                    ops.dropoutBackward(g, dropout, dropoutSeed, ws.dropoutOffsets[l - 1], g);
                }
                Activation act = activations[l - 1];
                if (act != Activation.IDENTITY) {
                    ops.activationBackward(act, derivativeFromOutput(act) ? ws.act[l - 1] : ws.pre[l - 1], g, g);
                }
                dz = g;
            }
        }
        return value;
    }

    /** Workspaces allocated so far (for tests and reports). */
    public int workspaceCount() {
        return workspaces.size();
    }

    @Override
    public void close() {
        for (Workspace w : workspaces) {
            w.close();
        }
        workspaces.clear();
        for (int l = 0; l < weights.length; l++) {
            weights[l].close();
            biases[l].close();
            weightGrads[l].close();
            biasGrads[l].close();
        }
    }

    /**
     * Every tensor and host buffer one forward (and, for training, backward) of {@code batch} rows needs: the input
     * and its host staging array, labels (and one-hot targets for MSE), per hidden layer the pre-activation (when
     * the backward needs it), the activation, the dropout output and the gradient, and the logits and their
     * gradient.
     */
    public final class Workspace implements AutoCloseable {
        private final int batch;
        private final boolean training;
        private final Tensor input;
        private final float[] staging;
        private final int[] labels;
        private final int[] predictions;
        private final Tensor target;
        private final float[] targetStaging;
        private final Tensor[] pre;
        private final Tensor[] act;
        private final Tensor[] drop;
        private final Tensor[] grad;
        private final long[] dropoutOffsets;
        private final Tensor logits;
        private final Tensor dlogits;

        private Workspace(int batch, boolean training) {
            if (batch <= 0) {
                throw new InvalidArgumentException("mlp: batch must be > 0, got " + batch);
            }
            this.batch = batch;
            this.training = training;
            int hidden = widths.length - 2;
            input = ops.allocate(batch, widths[0]);
            staging = new float[batch * widths[0]];
            labels = new int[batch];
            predictions = new int[batch];
            boolean mse = training && loss == Loss.MSE;
            target = mse ? ops.allocate(batch, classes()) : null;
            targetStaging = mse ? new float[batch * classes()] : null;
            pre = new Tensor[hidden];
            act = new Tensor[hidden];
            drop = new Tensor[hidden];
            grad = new Tensor[hidden];
            dropoutOffsets = new long[hidden];
            for (int l = 0; l < hidden; l++) {
                int w = widths[l + 1];
                act[l] = ops.allocate(batch, w);
                if (training) {
                    pre[l] = derivativeFromOutput(activations[l]) ? null : ops.allocate(batch, w);
                    drop[l] = dropout > 0 ? ops.allocate(batch, w) : act[l];
                    grad[l] = ops.allocate(batch, w);
                } else {
                    drop[l] = act[l];
                }
            }
            logits = ops.allocate(batch, classes());
            dlogits = training ? ops.allocate(batch, classes()) : null;
        }

        public int batch() {
            return batch;
        }

        public boolean training() {
            return training;
        }

        public Tensor logits() {
            return logits;
        }

        public int[] predictions() {
            return predictions;
        }

        /**
         * Copies rows {@code order[start .. start+batch)} of {@code data} (rows {@code start ..} when
         * {@code order} is null) into the input tensor, with their labels (and one-hot targets for MSE).
         */
        public void load(Dataset data, int[] order, int start) {
            int d = data.features();
            if (d != widths[0]) {
                throw new InvalidArgumentException("mlp: data " + data + " has " + d + " features, the model takes "
                        + widths[0]);
            }
            float[] x = data.x();
            int[] y = data.y();
            for (int r = 0; r < batch; r++) {
                int row = order == null ? start + r : order[start + r];
                System.arraycopy(x, row * d, staging, r * d, d);
                labels[r] = y[row];
            }
            ops.copyIn(staging, input);
            if (target != null) {
                int c = classes();
                Arrays.fill(targetStaging, 0f);
                for (int r = 0; r < batch; r++) {
                    targetStaging[r * c + labels[r]] = 1f;
                }
                ops.copyIn(targetStaging, target);
            }
        }

        @Override
        public void close() {
            input.close();
            if (target != null) {
                target.close();
            }
            for (int l = 0; l < act.length; l++) {
                if (pre[l] != null) {
                    pre[l].close();
                }
                if (drop[l] != act[l]) {
                    drop[l].close();
                }
                act[l].close();
                if (grad[l] != null) {
                    grad[l].close();
                }
            }
            logits.close();
            if (dlogits != null) {
                dlogits.close();
            }
        }
    }
}
