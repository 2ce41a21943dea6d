package io.kiln.train;

import io.kiln.core.InvalidArgumentException;
import java.util.Locale;

/** The optimizers {@code kiln train} offers, with their default learning rates. */
public enum OptimizerKind {
    SGD("sgd", 0.05f),
    MOMENTUM("momentum", 0.02f),
    NESTEROV("nesterov", 0.02f),
    ADAM("adam", 1e-3f),
    ADAMW("adamw", 1e-3f),
    /** Full-batch L-BFGS; its "learning rate" is the initial step of the line search. */
    LBFGS("lbfgs", 1f);

    private final String cliName;
    private final float defaultLr;

    OptimizerKind(String cliName, float defaultLr) {
        this.cliName = cliName;
        this.defaultLr = defaultLr;
    }

    public String cliName() {
        return cliName;
    }

    public float defaultLr() {
        return defaultLr;
    }

    public static OptimizerKind parse(String s) {
        for (OptimizerKind k : values()) {
            if (k.cliName.equalsIgnoreCase(s.strip())) {
                return k;
            }
        }
        throw new InvalidArgumentException("unknown optimizer '" + s + "'; known: sgd, momentum, nesterov, adam, adamw, "
                + "lbfgs");
    }

    @Override
    public String toString() {
        return cliName.toLowerCase(Locale.ROOT);
    }
}
