package io.kiln.train;

import io.kiln.core.Tensor;
import java.util.List;

/**
 * L1 and L2 penalties on the parameters: {@code l1·Σ|w| + (l2/2)·Σw²}, whose gradient {@code l1·sign(w) + l2·w}
 * matches {@code torch.optim.SGD}'s {@code weight_decay = l2} and Kiln's SGD {@code l1}. Like PyTorch's weight
 * decay it covers every parameter, biases included.
 *
 * <p>For optimizers whose kernel has no L1 term (Adam, AdamW) and for L-BFGS, {@link #addGradient} adds the
 * penalty's gradient with Backend ops. sign(w) is computed as {@code clamp(w·2^100, −1, 1)}: exactly ±1 for
 * |w| &ge; 2^-100, 0 for w = 0 (the SPI has no sign primitive; weights below 2^-100 in magnitude get a
 * proportionally smaller sub-gradient, which is immaterial).
 */
public final class Regularization implements AutoCloseable {
    private static final float SIGN_SCALE = 0x1.0p100f;

    private final Ops ops;
    private final float l1;
    private final float l2;
    private final List<Parameter> params;
    private final Tensor[] signs;
    private final Tensor[] values;
    private final VectorMath math;

    public Regularization(Ops ops, List<Parameter> params, float l1, float l2) {
        this.ops = ops;
        this.l1 = l1;
        this.l2 = l2;
        this.params = params;
        this.signs = new Tensor[params.size()];
        this.values = new Tensor[params.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = params.get(i).value();
        }
        if (l1 != 0) {
            for (int i = 0; i < signs.length; i++) {
                signs[i] = ops.allocate(params.get(i).value().shape().dims());
            }
        }
        this.math = l1 != 0 ? new VectorMath(ops, params) : null;
    }

    public float l1() {
        return l1;
    }

    public float l2() {
        return l2;
    }

    public boolean isActive() {
        return l1 != 0 || l2 != 0;
    }

    /** The penalty's value at the current parameters. */
    public double penalty() {
        double total = 0;
        if (l2 != 0) {
            double norm = ops.l2Norm(values);
            total += 0.5 * l2 * norm * norm;
        }
        if (l1 != 0) {
            computeSigns();
            double abs = 0;
            for (int i = 0; i < signs.length; i++) {
                abs += math.dot(i, signs[i], params.get(i).value());
            }
            total += l1 * abs;
        }
        return total;
    }

    /** Adds {@code l1·sign(w)} (and, when {@code includeL2}, {@code l2·w}) to every parameter's gradient. */
    public void addGradient(boolean includeL2) {
        if (l1 != 0) {
            computeSigns();
            for (int i = 0; i < signs.length; i++) {
                ops.axpy(l1, signs[i], params.get(i).grad());
            }
        }
        if (includeL2 && l2 != 0) {
            for (Parameter p : params) {
                ops.axpy(l2, p.value(), p.grad());
            }
        }
    }

    private void computeSigns() {
        for (int i = 0; i < signs.length; i++) {
            ops.scale(SIGN_SCALE, params.get(i).value(), signs[i]);
            ops.clamp(signs[i], -1f, 1f, signs[i]);
        }
    }

    @Override
    public void close() {
        for (Tensor t : signs) {
            if (t != null) {
                t.close();
            }
        }
        if (math != null) {
            math.close();
        }
    }
}
