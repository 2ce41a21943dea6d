package io.kiln.train;

import io.kiln.core.AdamConfig;
import io.kiln.core.Tensor;
import java.util.List;

/**
 * Adam or AdamW as {@code torch.optim.Adam}/{@code AdamW} (betas 0.9, 0.999; eps 1e-8): one {@code adam} kernel per
 * parameter and step. For Adam, L2 is the coupled {@code weight_decay}; for AdamW it is the decoupled decay
 * (PyTorch's default 0.01 when none is given). L1, which the kernel lacks, is added to the gradient first by
 * {@link Regularization}.
 */
public final class AdamOptimizer implements Optimizer {
    /** PyTorch's AdamW default weight decay, used when no L2 is given. */
    public static final float ADAMW_DEFAULT_DECAY = 0.01f;

    private final Ops ops;
    private final List<Parameter> params;
    private final Tensor[] m;
    private final Tensor[] v;
    private final AdamConfig base;
    private final Regularization l1Term;
    private AdamConfig config;
    private float configFactor = Float.NaN;

    public AdamOptimizer(Ops ops, List<Parameter> params, float lr, boolean decoupled, float l1, float l2) {
        this.ops = ops;
        this.params = List.copyOf(params);
        float decay = decoupled && l2 == 0 ? ADAMW_DEFAULT_DECAY : l2;
        this.base = new AdamConfig(lr, 0.9f, 0.999f, 1e-8f, decay, decoupled);
        this.config = base;
        this.m = new Tensor[params.size()];
        this.v = new Tensor[params.size()];
        for (int i = 0; i < m.length; i++) {
            int[] dims = params.get(i).value().shape().dims();
            m[i] = ops.allocate(dims);
            v[i] = ops.allocate(dims);
        }
        this.l1Term = l1 != 0 ? new Regularization(ops, this.params, l1, 0) : null;
    }

    @Override
    public void step(long step, float lrFactor) {
        if (lrFactor != configFactor) {
            config = base.withLr(base.lr() * lrFactor);
            configFactor = lrFactor;
        }
        if (l1Term != null) {
            l1Term.addGradient(false);
        }
        for (int i = 0; i < m.length; i++) {
            Parameter p = params.get(i);
            ops.adamStep(config, step, p.value(), p.grad(), m[i], v[i]);
        }
    }

    @Override
    public float lr() {
        return base.lr();
    }

    @Override
    public String describe() {
        return (base.decoupled() ? "adamw" : "adam") + "(lr=" + base.lr() + ", betas=(0.9, 0.999), eps=1e-08"
                + (base.weightDecay() != 0 ? ", weight_decay=" + base.weightDecay() : "")
                + (l1Term != null ? ", l1=" + l1Term.l1() : "") + ")";
    }

    @Override
    public void close() {
        for (int i = 0; i < m.length; i++) {
            m[i].close();
            v[i].close();
        }
        if (l1Term != null) {
            l1Term.close();
        }
    }
}
