package io.kiln.core;

/**
 * Hyper-parameters of SGD as PyTorch's {@code torch.optim.SGD}: {@code lr}, {@code momentum}, {@code dampening},
 * {@code nesterov}, {@code weight_decay} (L2, added to the gradient), plus {@code l1}: an L1 penalty whose
 * sub-gradient {@code l1·sign(p)} is added to the gradient the same way. Validated on construction.
 */
public record SgdConfig(float lr, float momentum, float dampening, boolean nesterov, float weightDecay, float l1) {
    public SgdConfig {
        Checks.nonNegativeFinite("sgd", "lr", lr);
        Checks.nonNegativeFinite("sgd", "momentum", momentum);
        Checks.nonNegativeFinite("sgd", "dampening", dampening);
        Checks.nonNegativeFinite("sgd", "weight_decay", weightDecay);
        Checks.nonNegativeFinite("sgd", "l1", l1);
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new InvalidArgumentException("sgd: nesterov needs momentum > 0 and dampening = 0, got momentum="
                    + momentum + " dampening=" + dampening);
        }
    }

    public static SgdConfig plain(float lr) {
        return new SgdConfig(lr, 0, 0, false, 0, 0);
    }

    public static SgdConfig momentum(float lr, float momentum) {
        return new SgdConfig(lr, momentum, 0, false, 0, 0);
    }

    public static SgdConfig nesterov(float lr, float momentum) {
        return new SgdConfig(lr, momentum, 0, true, 0, 0);
    }

    public SgdConfig withWeightDecay(float wd) {
        return new SgdConfig(lr, momentum, dampening, nesterov, wd, l1);
    }

    public SgdConfig withL1(float l1) {
        return new SgdConfig(lr, momentum, dampening, nesterov, weightDecay, l1);
    }

    public SgdConfig withLr(float lr) {
        return new SgdConfig(lr, momentum, dampening, nesterov, weightDecay, l1);
    }

    /** Whether a momentum buffer is needed. */
    public boolean usesMomentum() {
        return momentum != 0;
    }
}
