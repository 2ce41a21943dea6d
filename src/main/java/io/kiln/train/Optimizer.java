package io.kiln.train;

/**
 * A first-order optimizer over a fixed list of parameters: {@link #step} applies one update from the gradients the
 * model has just written, with the learning rate scaled by the schedule's factor. State (momentum, Adam moments) is
 * allocated once, at construction.
 */
public interface Optimizer extends AutoCloseable {
    /** One update; {@code step} counts from 1, {@code lrFactor} is the schedule's multiplier of the base rate. */
    void step(long step, float lrFactor);

    /** The base learning rate. */
    float lr();

    /** One line, e.g. {@code adam(lr=0.001, betas=(0.9, 0.999), eps=1e-08)}. */
    String describe();

    @Override
    void close();

    /** Builds the optimizer of {@code kind} (not L-BFGS, which is not a per-step optimizer: see {@link Lbfgs}). */
    static Optimizer create(OptimizerKind kind, Ops ops, java.util.List<Parameter> params, float lr, float momentum,
                            float l1, float l2) {
        return switch (kind) {
            case SGD -> new SgdOptimizer(ops, params, lr, 0, false, l1, l2);
            case MOMENTUM -> new SgdOptimizer(ops, params, lr, momentum, false, l1, l2);
            case NESTEROV -> new SgdOptimizer(ops, params, lr, momentum, true, l1, l2);
            case ADAM -> new AdamOptimizer(ops, params, lr, false, l1, l2);
            case ADAMW -> new AdamOptimizer(ops, params, lr, true, l1, l2);
            case LBFGS -> throw new io.kiln.core.InvalidArgumentException(
                    "Optimizer.create: lbfgs is full-batch; use Lbfgs");
        };
    }
}
