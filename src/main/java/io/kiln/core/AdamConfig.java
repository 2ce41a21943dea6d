package io.kiln.core;

/**
 * Hyper-parameters of Adam / AdamW as PyTorch's {@code torch.optim.Adam} and {@code AdamW}: {@code lr},
 * {@code betas}, {@code eps}, {@code weight_decay}. With {@code decoupled = false} the decay is L2 added to the
 * gradient (Adam); with {@code true} the parameters shrink by {@code lr·weight_decay} before the step (AdamW).
 * Bias-corrected; no AMSGrad.
 */
public record AdamConfig(float lr, float beta1, float beta2, float eps, float weightDecay, boolean decoupled) {
    public AdamConfig {
        Checks.nonNegativeFinite("adam", "lr", lr);
        Checks.nonNegativeFinite("adam", "eps", eps);
        Checks.nonNegativeFinite("adam", "weight_decay", weightDecay);
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new InvalidArgumentException("adam: betas must lie in [0, 1), got (" + beta1 + ", " + beta2 + ")");
        }
    }

    /** PyTorch defaults: betas (0.9, 0.999), eps 1e-8, no decay. */
    public static AdamConfig adam(float lr) {
        return new AdamConfig(lr, 0.9f, 0.999f, 1e-8f, 0, false);
    }

    /** PyTorch AdamW defaults: betas (0.9, 0.999), eps 1e-8, weight_decay 0.01. */
    public static AdamConfig adamW(float lr) {
        return new AdamConfig(lr, 0.9f, 0.999f, 1e-8f, 0.01f, true);
    }

    public AdamConfig withWeightDecay(float wd) {
        return new AdamConfig(lr, beta1, beta2, eps, wd, decoupled);
    }

    public AdamConfig withLr(float lr) {
        return new AdamConfig(lr, beta1, beta2, eps, weightDecay, decoupled);
    }
}
