package io.kiln.train;

import io.kiln.core.SgdConfig;
import io.kiln.core.Tensor;
import java.util.List;

/**
 * SGD, heavy-ball momentum or Nesterov momentum, as {@code torch.optim.SGD} (dampening 0), with L2 as
 * {@code weight_decay} and L1 as the kernel's {@code l1} term: one {@code sgd} kernel per parameter and step.
 */
public final class SgdOptimizer implements Optimizer {
    private final Ops ops;
    private final List<Parameter> params;
    private final Tensor[] buffers;
    private final float lr;
    private final float momentum;
    private final boolean nesterov;
    private final float l1;
    private final float l2;
    private SgdConfig config;
    private float configFactor = Float.NaN;

    public SgdOptimizer(Ops ops, List<Parameter> params, float lr, float momentum, boolean nesterov, float l1,
                        float l2) {
        this.ops = ops;
        this.params = List.copyOf(params);
        this.lr = lr;
        this.momentum = momentum;
        this.nesterov = nesterov;
        this.l1 = l1;
        this.l2 = l2;
        this.config = new SgdConfig(lr, momentum, 0, nesterov, l2, l1); // validates now, not at the first step
        this.buffers = new Tensor[params.size()];
        if (momentum != 0) {
            for (int i = 0; i < buffers.length; i++) {
                buffers[i] = ops.allocate(params.get(i).value().shape().dims());
            }
        }
    }

    @Override
    public void step(long step, float lrFactor) {
        if (lrFactor != configFactor) {
            config = new SgdConfig(lr * lrFactor, momentum, 0, nesterov, l2, l1);
            configFactor = lrFactor;
        }
        for (int i = 0; i < buffers.length; i++) {
            Parameter p = params.get(i);
            ops.sgdStep(config, step, p.value(), p.grad(), buffers[i]);
        }
    }

    @Override
    public float lr() {
        return lr;
    }

    @Override
    public String describe() {
        String kind = momentum == 0 ? "sgd" : nesterov ? "nesterov" : "momentum";
        return kind + "(lr=" + lr + (momentum != 0 ? ", momentum=" + momentum : "") + (l2 != 0 ? ", weight_decay="
                + l2 : "") + (l1 != 0 ? ", l1=" + l1 : "") + ")";
    }

    @Override
    public void close() {
        for (Tensor t : buffers) {
            if (t != null) {
                t.close();
            }
        }
    }
}
