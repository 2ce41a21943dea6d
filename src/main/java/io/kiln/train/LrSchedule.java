package io.kiln.train;

import io.kiln.core.InvalidArgumentException;
import java.util.Locale;

/**
 * A learning-rate schedule as a function of training progress in [0, 1], returning the factor the base rate is
 * multiplied by. Progress is steps done / total steps for an epoch-bounded run, and the fraction of the wall-clock
 * budget consumed for a time-budgeted one (as in "24h BERT", Izsak et al. 2021), so every schedule adapts to a
 * budget without knowing how many steps fit in it.
 *
 * <ul>
 *   <li>{@code constant}: 1;</li>
 *   <li>{@code step}: ×0.1 at 50 % and again at 75 % of progress (multi-step decay, as for ResNets);</li>
 *   <li>{@code cosine}: ½(1 + cos(π·progress)), from 1 to 0;</li>
 *   <li>{@code linear}: 1 − progress, from 1 to 0 (24h BERT's decay).</li>
 * </ul>
 * A warm-up fraction w multiplies the factor by progress / w while progress &lt; w.
 */
public record LrSchedule(Kind kind, double warmup) {
    public enum Kind { CONSTANT, STEP, COSINE, LINEAR }

    public LrSchedule {
        if (kind == null) {
            throw new InvalidArgumentException("LrSchedule: kind is null");
        }
        if (!(warmup >= 0 && warmup < 1)) {
            throw new InvalidArgumentException("LrSchedule: warm-up fraction must lie in [0, 1), got " + warmup);
        }
    }

    public static LrSchedule constant() {
        return new LrSchedule(Kind.CONSTANT, 0);
    }

    public static LrSchedule parse(String name, double warmup) {
        String s = name.strip().toLowerCase(Locale.ROOT);
        for (Kind k : Kind.values()) {
            if (k.name().toLowerCase(Locale.ROOT).equals(s)) {
                return new LrSchedule(k, warmup);
            }
        }
        throw new InvalidArgumentException("unknown learning-rate schedule '" + name
                + "'; known: constant, step, cosine, linear");
    }

    /** The factor at {@code progress} (clamped to [0, 1]). */
    public float factor(double progress) {
        double p = Math.min(1, Math.max(0, progress));
        double f = switch (kind) {
            case CONSTANT -> 1;
            case STEP -> p < 0.5 ? 1 : p < 0.75 ? 0.1 : 0.01;
            case COSINE -> 0.5 * (1 + Math.cos(Math.PI * p));
            case LINEAR -> 1 - p;
        };
        if (warmup > 0 && p < warmup) {
            f *= p / warmup;
        }
        return (float) f;
    }

    public String describe() {
        return kind.name().toLowerCase(Locale.ROOT) + (warmup > 0 ? " (warm-up " + warmup + ")" : "");
    }
}
