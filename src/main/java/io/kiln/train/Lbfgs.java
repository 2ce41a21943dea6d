package io.kiln.train;

import io.kiln.core.InvalidArgumentException;
import io.kiln.core.Tensor;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Limited-memory BFGS (Nocedal &amp; Wright, Numerical Optimization, algorithms 7.4 and 7.5) over a model's
 * parameters, for full-batch training of small problems. It keeps the last {@code m} pairs
 * {@code s = x_(k+1) − x_k}, {@code y = g_(k+1) − g_k}; each iteration computes the direction {@code d = −H·g} by
 * the two-loop recursion with the initial scaling {@code γ = sᵀy / yᵀy}, then a backtracking line search from step
 * {@code t} (the base learning rate, or min(1, 1/‖g‖₂)·lr when there is no curvature pair yet; PyTorch uses ‖g‖₁) halving until
 * the Armijo condition {@code f(x + t·d) ≤ f(x) + c₁·t·gᵀd} holds (c₁ = 1e-4). A pair with {@code sᵀy ≤ 1e-10}
 * is not stored (it would break positive definiteness). A direction that is not a descent direction resets the
 * history to steepest descent.
 *
 * <p>Everything on vectors runs as Backend ops (copy, axpy, scale, and dot products as mul + reduce_sum); only
 * the scalars of the recursion live on the host. All vectors (2m history tensors per parameter plus four work
 * vectors) are allocated once, at construction.
 */
public final class Lbfgs implements AutoCloseable {
    /** Computes the objective at the current parameter values and writes its gradient into the parameters' grads. */
    @FunctionalInterface
    public interface Objective {
        double evaluate();
    }

    /** Called after each iteration with its number (from 1), objective value and function evaluations so far. */
    @FunctionalInterface
    public interface IterationListener {
        void iteration(int iteration, double value, int evaluations, double gradientNorm);
    }

    /** Why the minimization stopped, and where. */
    public record Result(int iterations, int evaluations, double value, double gradientNorm, String stoppedBy) {
    }

    private static final double C1 = 1e-4;

    private final Ops ops;
    private final List<Parameter> params;
    private final int history;
    private final float lr;
    private final int maxLineSearch;
    private final double gradientTolerance;
    private final double valueTolerance;
    private final VectorMath math;
    private final Tensor[][] s;
    private final Tensor[][] y;
    private final double[] rho;
    private final double[] alpha;
    private final Tensor[] g;
    private final Tensor[] d;
    private final Tensor[] x0;
    private final Tensor[] values;
    private final Tensor[] grads;

    /**
     * @param history           pairs kept (m), typically 5 to 20
     * @param lr                initial line-search step (1 is the natural scale of a quasi-Newton step)
     * @param maxLineSearch     halvings before the line search gives up
     * @param gradientTolerance stop when ‖g‖ &le; this
     * @param valueTolerance    stop when the objective changes by less than this, relative to max(1, |f|)
     */
    public Lbfgs(Ops ops, List<Parameter> params, int history, float lr, int maxLineSearch, double gradientTolerance,
                 double valueTolerance) {
        if (history < 1) {
            throw new InvalidArgumentException("lbfgs: history must be >= 1, got " + history);
        }
        if (!(lr > 0) || !Float.isFinite(lr)) {
            throw new InvalidArgumentException("lbfgs: initial step (lr) must be finite and > 0, got " + lr);
        }
        if (maxLineSearch < 1) {
            throw new InvalidArgumentException("lbfgs: maxLineSearch must be >= 1, got " + maxLineSearch);
        }
        this.ops = ops;
        this.params = List.copyOf(params);
        this.history = history;
        this.lr = lr;
        this.maxLineSearch = maxLineSearch;
        this.gradientTolerance = gradientTolerance;
        this.valueTolerance = valueTolerance;
        this.math = new VectorMath(ops, this.params);
        this.s = new Tensor[history][];
        this.y = new Tensor[history][];
        for (int i = 0; i < history; i++) {
            s[i] = like();
            y[i] = like();
        }
        this.rho = new double[history];
        this.alpha = new double[history];
        this.g = like();
        this.d = like();
        this.x0 = like();
        this.values = new Tensor[this.params.size()];
        this.grads = new Tensor[this.params.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = this.params.get(i).value();
            grads[i] = this.params.get(i).grad();
        }
    }

    private Tensor[] like() {
        Tensor[] t = new Tensor[params.size()];
        for (int i = 0; i < t.length; i++) {
            t[i] = ops.allocate(params.get(i).value().shape().dims());
        }
        return t;
    }

    /**
     * Minimizes {@code objective} from the current parameters, for at most {@code maxIterations} iterations or
     * until {@code stop} says so (checked after each iteration: a time budget). Leaves the parameters at the best
     * point accepted.
     */
    public Result minimize(Objective objective, int maxIterations, BooleanSupplier stop, IterationListener listener) {
        int evaluations = 1;
        double f = objective.evaluate();
        copy(grads, g);
        double gnorm = ops.l2Norm(g);
        int stored = 0;
        int newest = -1;
        int iteration = 0;
        String stoppedBy = "max iterations";
        while (iteration < maxIterations) {
            if (!Double.isFinite(f)) {
                stoppedBy = "objective is not finite";
                break;
            }
            if (gnorm <= gradientTolerance) {
                stoppedBy = "gradient norm below tolerance";
                break;
            }
            direction(stored, newest);
            double gtd = math.dot(g, d);
            if (!(gtd < 0)) {
                stored = 0; // not a descent direction: restart from steepest descent
                newest = -1;
                scaleInto(-1f, g, d);
                gtd = -gnorm * gnorm;
            }
            double t = stored == 0 ? Math.min(1.0, 1.0 / Math.max(gnorm, 1e-12)) * lr : lr;
            copy(values, x0);
            double fNew = Double.NaN;
            boolean accepted = false;
            for (int ls = 0; ls < maxLineSearch; ls++) {
                copy(x0, values);
                for (int i = 0; i < values.length; i++) {
                    ops.axpy((float) t, d[i], values[i]);
                }
                fNew = objective.evaluate();
                evaluations++;
                if (fNew <= f + C1 * t * gtd) {
                    accepted = true;
                    break;
                }
                t *= 0.5;
            }
            if (!accepted) {
                copy(x0, values);
                objective.evaluate(); // restore the gradient of the kept point
                evaluations++;
                stoppedBy = "line search failed";
                break;
            }
            iteration++;
            // s = t·d, y = g_new − g
            int slot = (newest + 1) % history;
            for (int i = 0; i < values.length; i++) {
                ops.scale((float) t, d[i], s[slot][i]);
                ops.copy(grads[i], y[slot][i]);
                ops.axpy(-1f, g[i], y[slot][i]);
            }
            double ys = math.dot(y[slot], s[slot]);
            if (ys > 1e-10) {
                rho[slot] = 1.0 / ys;
                newest = slot;
                stored = Math.min(stored + 1, history);
            } else if (stored == history) {
                stored--; // the slot just overwritten held the oldest pair
            }
            copy(grads, g);
            gnorm = ops.l2Norm(g);
            double change = Math.abs(f - fNew);
            f = fNew;
            if (listener != null) {
                listener.iteration(iteration, f, evaluations, gnorm);
            }
            if (change <= valueTolerance * Math.max(1.0, Math.abs(f))) {
                stoppedBy = "objective change below tolerance";
                break;
            }
            if (stop != null && stop.getAsBoolean()) {
                stoppedBy = "time budget";
                break;
            }
        }
        return new Result(iteration, evaluations, f, gnorm, stoppedBy);
    }

    /** {@code d = −H·g} by the two-loop recursion over the {@code stored} newest pairs. */
    private void direction(int stored, int newest) {
        copy(g, d); // d plays q, then r
        for (int j = 0; j < stored; j++) {
            int i = Math.floorMod(newest - j, history);
            alpha[i] = rho[i] * math.dot(s[i], d);
            for (int p = 0; p < d.length; p++) {
                ops.axpy((float) -alpha[i], y[i][p], d[p]);
            }
        }
        if (stored > 0) {
            double gamma = math.dot(s[newest], y[newest]) / math.dot(y[newest], y[newest]);
            for (Tensor t : d) {
                ops.scale((float) gamma, t, t);
            }
        }
        for (int j = stored - 1; j >= 0; j--) {
            int i = Math.floorMod(newest - j, history);
            double beta = rho[i] * math.dot(y[i], d);
            for (int p = 0; p < d.length; p++) {
                ops.axpy((float) (alpha[i] - beta), s[i][p], d[p]);
            }
        }
        for (Tensor t : d) {
            ops.scale(-1f, t, t);
        }
    }

    private void copy(Tensor[] from, Tensor[] to) {
        for (int i = 0; i < from.length; i++) {
            ops.copy(from[i], to[i]);
        }
    }

    private void scaleInto(float a, Tensor[] from, Tensor[] to) {
        for (int i = 0; i < from.length; i++) {
            ops.scale(a, from[i], to[i]);
        }
    }

    @Override
    public void close() {
        math.close();
        for (int i = 0; i < history; i++) {
            for (Tensor t : s[i]) {
                t.close();
            }
            for (Tensor t : y[i]) {
                t.close();
            }
        }
        for (Tensor[] v : new Tensor[][] {g, d, x0}) {
            for (Tensor t : v) {
                t.close();
            }
        }
    }
}
