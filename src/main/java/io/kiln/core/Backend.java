package io.kiln.core;

/**
 * The kernel SPI and the eager API: every op of the catalog ({@link Op}), destination-passing.
 *
 * <p>Each public method validates every argument (null, closed, memory space, rank, shape, aliasing,
 * hyper-parameters, labels) and only then calls the backend's kernel, so a call that throws has written nothing.
 * Kernels never allocate tensors; they write into the tensors they are given. NaN and infinities in data are not
 * errors: they propagate as IEEE 754 says (a NaN logit makes its row's softmax NaN, ReLU(NaN) is NaN, max
 * reductions return NaN when any element is NaN).
 *
 * <p>Matrices are row-major. Ops "over rows" treat a tensor of rank r &ge; 1 as a matrix of
 * {@code shape.rows()} rows and {@code shape.cols()} columns (the last dimension).
 *
 * <p>Backends are found with {@link java.util.ServiceLoader} through {@link BackendProvider} and chosen with
 * {@link Backends#select(String)}.
 */
public abstract class Backend implements AutoCloseable {

    /** Short name: {@code reference}, {@code simd}, {@code opencl}. */
    public abstract String name();

    /** Where this backend's tensors live. */
    public abstract MemorySpace memory();

    /** One line describing the device (CPU model and SIMD width, OpenCL device, ...). */
    public String description() {
        return name();
    }

    /** Waits until every kernel enqueued so far has finished (a no-op for synchronous backends). */
    public void synchronize() {
    }

    @Override
    public void close() {
    }

    // ------------------------------------------------------------------------------------------------ threads

    /** Threads this backend's host kernels run on, the caller included (1: serial, the default). */
    public int parallelism() {
        return 1;
    }

    /**
     * Runs {@code body.accept(t)} for every {@code t} in [0, {@code tasks}) on this backend's threads, the caller
     * taking a share, and returns when all are done; the first failure is rethrown. For host work that the
     * backend's own kernels do not cover (the graph compiler's generated fused kernels), so that a process has one
     * pool per backend and never a second one competing with it. Tasks should be independent; a task must not call
     * {@code parallelFor} expecting more parallelism (nested calls run serially). Safe to call from many threads.
     */
    public final void parallelFor(int tasks, java.util.function.IntConsumer body) {
        Checks.notNull("parallel_for", "body", body);
        if (tasks < 0) {
            throw new InvalidArgumentException("parallel_for: tasks must be >= 0, got " + tasks);
        }
        doParallelFor(tasks, body);
    }

    /** Kernel of {@link #parallelFor}; the default runs every task on the caller, in order. */
    protected void doParallelFor(int tasks, java.util.function.IntConsumer body) {
        for (int t = 0; t < tasks; t++) {
            body.accept(t);
        }
    }

    // ------------------------------------------------------------------------------------------------ memory

    /** A new zero-filled tensor. */
    public final Tensor allocate(int... dims) {
        Shape shape = Shape.of(Checks.notNull("allocate", "dims", dims));
        return newTensor(shape);
    }

    /** A new tensor holding a copy of {@code src}. */
    public final Tensor fromArray(float[] src, int... dims) {
        Checks.notNull("fromArray", "src", src);
        Shape shape = Shape.of(Checks.notNull("fromArray", "dims", dims));
        if (src.length != shape.size()) {
            throw new ShapeException("fromArray: src has " + src.length + " floats but shape " + shape + " holds "
                    + shape.size());
        }
        Tensor t = newTensor(shape);
        if (src.length > 0) {
            doCopyIn(src, t);
        }
        return t;
    }

    /** Copies a host array into {@code dst}; lengths must match. */
    public final void copyIn(float[] src, Tensor dst) {
        Checks.notNull("copyIn", "src", src);
        Checks.usable("copyIn", "dst", dst, this);
        if (src.length != dst.size()) {
            throw new ShapeException("copyIn: src has " + src.length + " floats, dst " + dst.shape() + " holds "
                    + dst.size());
        }
        doCopyIn(src, dst);
    }

    /** Copies {@code src} into a host array; lengths must match. Waits for pending kernels writing {@code src}. */
    public final void copyOut(Tensor src, float[] dst) {
        Checks.usable("copyOut", "src", src, this);
        Checks.notNull("copyOut", "dst", dst);
        if (dst.length != src.size()) {
            throw new ShapeException("copyOut: dst has " + dst.length + " floats, src " + src.shape() + " holds "
                    + src.size());
        }
        doCopyOut(src, dst);
    }

    /** A fresh host array with a copy of {@code t}. */
    public final float[] toArray(Tensor t) {
        Checks.usable("toArray", "t", t, this);
        float[] out = new float[t.size()];
        doCopyOut(t, out);
        return out;
    }

    /** Copies {@code src} into {@code dst} (same shape). */
    public final void copy(Tensor src, Tensor dst) {
        Checks.usable("copy", "src", src, this);
        Checks.usable("copy", "dst", dst, this);
        Checks.sameShape("copy", "src", src, "dst", dst);
        if (!src.sharesStorageWith(dst)) {
            doCopy(src, dst);
        }
    }

    /** Sets every element of {@code dst} to {@code value}. */
    public final void fill(Tensor dst, float value) {
        Checks.usable("fill", "dst", dst, this);
        doFill(dst, value);
    }

    // -------------------------------------------------------------------------------------------------- GEMM

    /**
     * {@code C = alpha·op(A)·op(B) + beta·C}, with op(A) = Aᵀ when {@code transA} (A then stored k×m) and op(B) = Bᵀ
     * when {@code transB} (B stored n×k). When {@code beta == 0}, C is not read (NaN in C does not propagate), as
     * in BLAS.
     */
    public final void gemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        gemm(transA, transB, alpha, a, b, beta, c, Epilogue.NONE);
    }

    /** GEMM whose epilogue adds {@code epilogue.bias()} to every row and applies {@code epilogue.activation()}. */
    public final void gemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c,
                           Epilogue epilogue) {
        String op = "gemm";
        Checks.notNull(op, "epilogue", epilogue);
        Checks.usable(op, "A", a, this);
        Checks.usable(op, "B", b, this);
        Checks.usable(op, "C", c, this);
        Checks.rank(op, "A", a, 2);
        Checks.rank(op, "B", b, 2);
        Checks.rank(op, "C", c, 2);
        Checks.finite(op, "alpha", alpha);
        Checks.finite(op, "beta", beta);
        int m = transA ? a.dim(1) : a.dim(0);
        int k = transA ? a.dim(0) : a.dim(1);
        int kb = transB ? b.dim(1) : b.dim(0);
        int n = transB ? b.dim(0) : b.dim(1);
        if (k != kb || c.dim(0) != m || c.dim(1) != n) {
            throw new ShapeException(op + ": op(A) is " + m + "x" + k + " (A " + a.shape() + (transA ? ", transposed"
                    : "") + "), op(B) is " + kb + "x" + n + " (B " + b.shape() + (transB ? ", transposed" : "")
                    + "), C is " + c.shape() + "; need op(A) m x k, op(B) k x n, C m x n");
        }
        Checks.noAlias(op, "C", c, "A", a);
        Checks.noAlias(op, "C", c, "B", b);
        checkBias(op, epilogue.bias(), n, c);
        doGemm(transA, transB, m, n, k, alpha, a, b, beta, c, epilogue);
    }

    /**
     * Batched GEMM over a leading dimension: for each i, {@code C[i] = alpha·op(A[i])·op(B[i]) + beta·C[i]}, with A,
     * B, C of rank 3 and the same batch size.
     */
    public final void batchedGemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta,
                                  Tensor c) {
        String op = "batched_gemm";
        Checks.usable(op, "A", a, this);
        Checks.usable(op, "B", b, this);
        Checks.usable(op, "C", c, this);
        Checks.rank(op, "A", a, 3);
        Checks.rank(op, "B", b, 3);
        Checks.rank(op, "C", c, 3);
        Checks.finite(op, "alpha", alpha);
        Checks.finite(op, "beta", beta);
        int batch = a.dim(0);
        int m = transA ? a.dim(2) : a.dim(1);
        int k = transA ? a.dim(1) : a.dim(2);
        int kb = transB ? b.dim(2) : b.dim(1);
        int n = transB ? b.dim(1) : b.dim(2);
        if (b.dim(0) != batch || c.dim(0) != batch || k != kb || c.dim(1) != m || c.dim(2) != n) {
            throw new ShapeException(op + ": A " + a.shape() + (transA ? " (transposed)" : "") + ", B " + b.shape()
                    + (transB ? " (transposed)" : "") + ", C " + c.shape()
                    + "; need the same batch, op(A[i]) m x k, op(B[i]) k x n, C[i] m x n");
        }
        Checks.noAlias(op, "C", c, "A", a);
        Checks.noAlias(op, "C", c, "B", b);
        doBatchedGemm(transA, transB, batch, m, n, k, alpha, a, b, beta, c);
    }

    private void checkBias(String op, Tensor bias, int n, Tensor out) {
        if (bias == null) {
            return;
        }
        Checks.usable(op, "bias", bias, this);
        if (bias.size() != n || bias.rank() > 2 || (bias.rank() == 2 && bias.dim(0) != 1)) {
            throw new ShapeException(op + ": bias " + bias.shape() + " must hold " + n + " values ([" + n + "] or [1, "
                    + n + "]) for output " + out.shape());
        }
        Checks.noAlias(op, "bias", bias, "output", out);
    }

    // ---------------------------------------------------------------------------------------------- elementwise

    /** {@code out = a op b} with broadcasting; {@code out} must have the broadcast shape. */
    public final void binary(BinaryOp binaryOp, Tensor a, Tensor b, Tensor out) {
        Checks.notNull("binary", "op", binaryOp);
        String op = binaryOp.opName();
        Checks.usable(op, "a", a, this);
        Checks.usable(op, "b", b, this);
        Checks.usable(op, "out", out, this);
        Shape shape = Broadcast.resolve(op, a.shape(), b.shape());
        if (!shape.equals(out.shape())) {
            throw new ShapeException(op + ": a " + a.shape() + " and b " + b.shape() + " broadcast to " + shape
                    + ", but out is " + out.shape());
        }
        checkElementwiseAlias(op, "a", a, out);
        checkElementwiseAlias(op, "b", b, out);
        doBinary(binaryOp, a, b, out);
    }

    public final void add(Tensor a, Tensor b, Tensor out) {
        binary(BinaryOp.ADD, a, b, out);
    }

    public final void sub(Tensor a, Tensor b, Tensor out) {
        binary(BinaryOp.SUB, a, b, out);
    }

    public final void mul(Tensor a, Tensor b, Tensor out) {
        binary(BinaryOp.MUL, a, b, out);
    }

    public final void div(Tensor a, Tensor b, Tensor out) {
        binary(BinaryOp.DIV, a, b, out);
    }

    /** {@code out = alpha·x}. */
    public final void scale(float alpha, Tensor x, Tensor out) {
        String op = "scale";
        Checks.usable(op, "x", x, this);
        Checks.usable(op, "out", out, this);
        Checks.sameShape(op, "x", x, "out", out);
        doScale(alpha, x, out);
    }

    /** {@code y += alpha·x} (BLAS saxpy). */
    public final void axpy(float alpha, Tensor x, Tensor y) {
        String op = "axpy";
        Checks.usable(op, "x", x, this);
        Checks.usable(op, "y", y, this);
        Checks.sameShape(op, "x", x, "y", y);
        doAxpy(alpha, x, y);
    }

    /** {@code out[r, j] = x[r, j] + bias[j]} for every row r; bias holds {@code x.shape().cols()} values. */
    public final void biasAdd(Tensor x, Tensor bias, Tensor out) {
        String op = "bias_add";
        Checks.usable(op, "x", x, this);
        Checks.usable(op, "out", out, this);
        Checks.rank(op, "x", x, 1, 2, 3, 4);
        Checks.sameShape(op, "x", x, "out", out);
        checkBias(op, bias, x.shape().cols(), out);
        doBiasAdd(x, bias, out);
    }

    /** {@code out = min(max(x, lo), hi)}; {@code lo <= hi}, NaN in x stays NaN. */
    public final void clamp(Tensor x, float lo, float hi, Tensor out) {
        String op = "clamp";
        Checks.usable(op, "x", x, this);
        Checks.usable(op, "out", out, this);
        Checks.sameShape(op, "x", x, "out", out);
        if (Float.isNaN(lo) || Float.isNaN(hi) || lo > hi) {
            throw new InvalidArgumentException(op + ": need lo <= hi, got lo=" + lo + " hi=" + hi);
        }
        doClamp(x, lo, hi, out);
    }

    /** {@code out = f(x)} for a primitive f (exp, log, tanh, erf, ...). */
    public final void unary(UnaryOp unaryOp, Tensor x, Tensor out) {
        Checks.notNull("unary", "op", unaryOp);
        String op = unaryOp.opName();
        Checks.usable(op, "x", x, this);
        Checks.usable(op, "out", out, this);
        Checks.sameShape(op, "x", x, "out", out);
        doUnary(unaryOp, x, out);
    }

    /**
     * Evaluates a fused elementwise expression: {@code out[i] = expr(inputs[0][i], inputs[1][i], ...)}, each input
     * broadcast to {@code out}'s shape (NumPy rules, as {@link #binary}). Reads each input once and writes
     * {@code out} once. An input may share storage with {@code out} only when it has out's shape (in place).
     */
    public final void fusedElementwise(FusedExpression expr, Tensor[] inputs, Tensor out) {
        String op = "fused_elementwise";
        Checks.notNull(op, "expr", expr);
        Checks.notNull(op, "inputs", inputs);
        Checks.usable(op, "out", out, this);
        if (inputs.length != expr.inputCount()) {
            throw new InvalidArgumentException(op + " " + expr.opNames() + ": expression reads " + expr.inputCount()
                    + " inputs, got " + inputs.length);
        }
        for (int i = 0; i < inputs.length; i++) {
            String name = "inputs[" + i + "]";
            Checks.usable(op, name, inputs[i], this);
            Shape s = Broadcast.resolve(op, inputs[i].shape(), out.shape());
            if (!s.equals(out.shape())) {
                throw new ShapeException(op + " " + expr.opNames() + ": " + name + " " + inputs[i].shape()
                        + " does not broadcast to out " + out.shape());
            }
            checkElementwiseAlias(op, name, inputs[i], out);
        }
        doFusedElementwise(expr, inputs, out);
    }

    /** {@code y = act(x)}. In place ({@code y == x}) is allowed. */
    public final void activation(Activation act, Tensor x, Tensor y) {
        Checks.notNull("activation", "act", act);
        String op = act.opName();
        Checks.usable(op, "x", x, this);
        Checks.usable(op, "y", y, this);
        Checks.sameShape(op, "x", x, "y", y);
        doActivation(act, x, y);
    }

    /** {@code dx = act'(x)·dy}, from the forward input {@code x}. {@code dx} may be {@code dy}. */
    public final void activationBackward(Activation act, Tensor x, Tensor dy, Tensor dx) {
        Checks.notNull("activation_backward", "act", act);
        String op = act.opName() + "_backward";
        Checks.usable(op, "x", x, this);
        Checks.usable(op, "dy", dy, this);
        Checks.usable(op, "dx", dx, this);
        Checks.sameShape(op, "x", x, "dy", dy);
        Checks.sameShape(op, "x", x, "dx", dx);
        doActivationBackward(act, x, dy, dx);
    }

    // ------------------------------------------------------------------------------------------------- softmax

    /** Row-wise softmax over the last dimension, max-subtracted. {@code y == x} is allowed. */
    public final void softmax(Tensor x, Tensor y) {
        rowOp("softmax", x, y);
        doSoftmax(x, y, false);
    }

    /** Row-wise log-softmax over the last dimension. {@code y == x} is allowed. */
    public final void logSoftmax(Tensor x, Tensor y) {
        rowOp("log_softmax", x, y);
        doSoftmax(x, y, true);
    }

    /** From softmax output y and upstream dy: {@code dx = y·(dy − Σ dy·y)} per row. */
    public final void softmaxBackward(Tensor y, Tensor dy, Tensor dx) {
        rowBackward("softmax_backward", y, dy, dx);
        doSoftmaxBackward(y, dy, dx, false);
    }

    /** From log-softmax output y and upstream dy: {@code dx = dy − exp(y)·Σ dy} per row. */
    public final void logSoftmaxBackward(Tensor y, Tensor dy, Tensor dx) {
        rowBackward("log_softmax_backward", y, dy, dx);
        doSoftmaxBackward(y, dy, dx, true);
    }

    private void rowOp(String op, Tensor x, Tensor y) {
        Checks.usable(op, "x", x, this);
        Checks.usable(op, "y", y, this);
        if (x.rank() < 1) {
            throw new ShapeException(op + ": x must have rank >= 1, got shape " + x.shape());
        }
        Checks.sameShape(op, "x", x, "y", y);
    }

    private void rowBackward(String op, Tensor y, Tensor dy, Tensor dx) {
        Checks.usable(op, "y", y, this);
        Checks.usable(op, "dy", dy, this);
        Checks.usable(op, "dx", dx, this);
        if (y.rank() < 1) {
            throw new ShapeException(op + ": y must have rank >= 1, got shape " + y.shape());
        }
        Checks.sameShape(op, "y", y, "dy", dy);
        Checks.sameShape(op, "y", y, "dx", dx);
    }

    // -------------------------------------------------------------------------------------------------- losses

    /**
     * Mean squared error {@code mean((pred − target)²)}; writes {@code dpred = 2·(pred − target)/N} when
     * {@code dpred} is not null. Returns the loss (NaN for zero elements, as PyTorch).
     */
    public final float mseLoss(Tensor pred, Tensor target, Tensor dpred) {
        String op = "mse_loss";
        Checks.usable(op, "pred", pred, this);
        Checks.usable(op, "target", target, this);
        Checks.sameShape(op, "pred", pred, "target", target);
        if (dpred != null) {
            Checks.usable(op, "dpred", dpred, this);
            Checks.sameShape(op, "pred", pred, "dpred", dpred);
        }
        return doMseLoss(pred, target, dpred);
    }

    /**
     * Cross-entropy of row-wise softmax(logits) against integer class labels, averaged over rows (PyTorch's
     * {@code cross_entropy(logits, labels)}). When {@code dlogits} is not null this is the fused softmax +
     * cross-entropy: it also writes {@code dlogits = (softmax(logits) − onehot(labels)) / N} in the same pass.
     */
    public final float crossEntropy(Tensor logits, int[] labels, Tensor dlogits) {
        String op = "cross_entropy";
        Checks.usable(op, "logits", logits, this);
        Checks.rank(op, "logits", logits, 2);
        Checks.notNull(op, "labels", labels);
        int rows = logits.dim(0);
        int classes = logits.dim(1);
        if (labels.length != rows) {
            throw new ShapeException(op + ": " + labels.length + " labels for logits " + logits.shape()
                    + "; need one label per row");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new InvalidArgumentException(op + ": label " + labels[i] + " at row " + i + " is out of range [0, "
                        + classes + ") for logits " + logits.shape());
            }
        }
        if (dlogits != null) {
            Checks.usable(op, "dlogits", dlogits, this);
            Checks.sameShape(op, "logits", logits, "dlogits", dlogits);
        }
        return doCrossEntropy(logits, labels, dlogits);
    }

    /**
     * Cross-entropy against soft labels (a probability per class in each row of {@code targets}), mean over rows:
     * {@code −Σ targets·log_softmax(logits) / N}; {@code dlogits = (softmax·Σtargets − targets) / N}.
     */
    public final float crossEntropySoft(Tensor logits, Tensor targets, Tensor dlogits) {
        String op = "cross_entropy_soft";
        Checks.usable(op, "logits", logits, this);
        Checks.rank(op, "logits", logits, 2);
        Checks.usable(op, "targets", targets, this);
        Checks.sameShape(op, "logits", logits, "targets", targets);
        if (dlogits != null) {
            Checks.usable(op, "dlogits", dlogits, this);
            Checks.sameShape(op, "logits", logits, "dlogits", dlogits);
            Checks.noAlias(op, "dlogits", dlogits, "targets", targets);
        }
        return doCrossEntropySoft(logits, targets, dlogits);
    }

    // ---------------------------------------------------------------------------------------------- reductions

    /**
     * Reduces a rank-1 or rank-2 tensor over {@code axis} (PyTorch's dim; −1 is the last). For [r, c]: axis 1 gives
     * r values (one per row), axis 0 gives c values (one per column); for [n]: axis 0 gives 1 value. {@code out}
     * must hold exactly that many values. MEAN over zero elements is NaN, MAX is −Inf.
     */
    public final void reduce(Reduction reduction, Tensor x, int axis, Tensor out) {
        Checks.notNull("reduce", "reduction", reduction);
        String op = "reduce_" + reduction.opName();
        Checks.usable(op, "x", x, this);
        Checks.usable(op, "out", out, this);
        int ax = checkAxis(op, x, axis);
        int expected = reducedSize(x, ax);
        if (out.size() != expected || out.rank() > 1) {
            throw new ShapeException(op + ": reducing x " + x.shape() + " over axis " + axis + " gives " + expected
                    + " values, but out is " + out.shape());
        }
        Checks.noAlias(op, "x", x, "out", out);
        doReduce(reduction, x, ax, out);
    }

    /** Index of the maximum over {@code axis} (first one on ties; NaN counts as the maximum, as in PyTorch). */
    public final void argmax(Tensor x, int axis, int[] out) {
        String op = "argmax";
        Checks.usable(op, "x", x, this);
        Checks.notNull(op, "out", out);
        int ax = checkAxis(op, x, axis);
        int expected = reducedSize(x, ax);
        if (out.length != expected) {
            throw new ShapeException(op + ": x " + x.shape() + " over axis " + axis + " gives " + expected
                    + " indices, but out holds " + out.length);
        }
        int reducedLen = x.rank() == 1 ? x.dim(0) : x.dim(ax);
        if (reducedLen == 0 && expected > 0) {
            throw new ShapeException(op + ": cannot take argmax over an empty axis " + axis + " of x " + x.shape());
        }
        doArgmax(x, ax, out);
    }

    /** The L2 norm of all elements of all given tensors together (float64 accumulation where the backend can). */
    public final float l2Norm(Tensor... tensors) {
        String op = "l2_norm";
        Checks.notNull(op, "tensors", tensors);
        for (int i = 0; i < tensors.length; i++) {
            Checks.usable(op, "tensors[" + i + "]", tensors[i], this);
        }
        return doL2Norm(tensors);
    }

    private static int checkAxis(String op, Tensor x, int axis) {
        Checks.rank(op, "x", x, 1, 2);
        int ax = axis < 0 ? x.rank() + axis : axis;
        if (ax < 0 || ax >= x.rank()) {
            throw new ShapeException(op + ": axis " + axis + " is out of range for x " + x.shape());
        }
        return ax;
    }

    private static int reducedSize(Tensor x, int axis) {
        if (x.rank() == 1) {
            return 1;
        }
        return axis == 1 ? x.dim(0) : x.dim(1);
    }

    // ------------------------------------------------------------------------------------------------- dropout

    /**
     * Inverted dropout: element i is kept (and scaled by 1/(1−p)) when {@link Philox#uniform}(seed, offset + i) &ge;
     * p, else zeroed. The mask depends only on (seed, offset + i), so every backend draws the same one; the
     * backward recomputes it instead of storing it. {@code p} in [0, 1].
     */
    public final void dropout(Tensor x, float p, long seed, long offset, Tensor y) {
        String op = "dropout";
        Checks.usable(op, "x", x, this);
        Checks.usable(op, "y", y, this);
        Checks.sameShape(op, "x", x, "y", y);
        checkProbability(op, p);
        doDropout(x, p, seed, offset, y);
    }

    /** {@code dx = mask·dy/(1−p)} with the mask of the forward call with the same (p, seed, offset). */
    public final void dropoutBackward(Tensor dy, float p, long seed, long offset, Tensor dx) {
        String op = "dropout_backward";
        Checks.usable(op, "dy", dy, this);
        Checks.usable(op, "dx", dx, this);
        Checks.sameShape(op, "dy", dy, "dx", dx);
        checkProbability(op, p);
        doDropout(dy, p, seed, offset, dx);
    }

    private static void checkProbability(String op, float p) {
        if (!(p >= 0 && p <= 1)) {
            throw new InvalidArgumentException(op + ": p must lie in [0, 1], got " + p);
        }
    }

    // ---------------------------------------------------------------------------------------------- optimizers

    /**
     * One SGD step in place, as {@code torch.optim.SGD}: {@code g = grad + weight_decay·p + l1·sign(p)}; with
     * momentum, {@code buf = g} at step 1, else {@code buf = momentum·buf + (1 − dampening)·g}; then
     * {@code g = nesterov ? g + momentum·buf : buf}; {@code p −= lr·g}. {@code step} counts from 1.
     * {@code momentumBuffer} is needed (and updated) only when momentum &gt; 0.
     */
    public final void sgdStep(SgdConfig config, long step, Tensor param, Tensor grad, Tensor momentumBuffer) {
        String op = "sgd";
        Checks.notNull(op, "config", config);
        checkStep(op, step);
        Checks.usable(op, "param", param, this);
        Checks.usable(op, "grad", grad, this);
        Checks.sameShape(op, "param", param, "grad", grad);
        Checks.noAlias(op, "param", param, "grad", grad);
        if (config.usesMomentum()) {
            Checks.usable(op, "momentum_buffer", momentumBuffer, this);
            Checks.sameShape(op, "param", param, "momentum_buffer", momentumBuffer);
            Checks.noAlias(op, "param", param, "momentum_buffer", momentumBuffer);
            Checks.noAlias(op, "grad", grad, "momentum_buffer", momentumBuffer);
        }
        doSgdStep(config, step, param, grad, config.usesMomentum() ? momentumBuffer : null);
    }

    /**
     * One Adam/AdamW step in place, as {@code torch.optim.Adam}/{@code AdamW}: reads p, g, m, v once and writes p,
     * m, v once. {@code step} counts from 1 and drives the bias correction.
     */
    public final void adamStep(AdamConfig config, long step, Tensor param, Tensor grad, Tensor m, Tensor v) {
        String op = config != null && config.decoupled() ? "adamw" : "adam";
        Checks.notNull(op, "config", config);
        checkStep(op, step);
        Checks.usable(op, "param", param, this);
        Checks.usable(op, "grad", grad, this);
        Checks.usable(op, "m", m, this);
        Checks.usable(op, "v", v, this);
        Checks.sameShape(op, "param", param, "grad", grad);
        Checks.sameShape(op, "param", param, "m", m);
        Checks.sameShape(op, "param", param, "v", v);
        Tensor[] all = {param, grad, m, v};
        String[] names = {"param", "grad", "m", "v"};
        for (int i = 0; i < all.length; i++) {
            for (int j = i + 1; j < all.length; j++) {
                Checks.noAlias(op, names[i], all[i], names[j], all[j]);
            }
        }
        doAdamStep(config, step, param, grad, m, v);
    }

    /**
     * Global-norm gradient clipping as {@code torch.nn.utils.clip_grad_norm_}: computes the L2 norm of all grads
     * together and, when it exceeds {@code maxNorm}, scales every grad by {@code maxNorm / (norm + 1e-6)}. Returns
     * the norm before clipping.
     */
    public final float clipGradNorm(float maxNorm, Tensor... grads) {
        String op = "clip_grad_norm";
        if (!Float.isFinite(maxNorm) || maxNorm <= 0) {
            throw new InvalidArgumentException(op + ": max_norm must be finite and > 0, got " + maxNorm);
        }
        Checks.notNull(op, "grads", grads);
        for (int i = 0; i < grads.length; i++) {
            Checks.usable(op, "grads[" + i + "]", grads[i], this);
            for (int j = 0; j < i; j++) {
                Checks.noAlias(op, "grads[" + j + "]", grads[j], "grads[" + i + "]", grads[i]);
            }
        }
        float norm = doL2Norm(grads);
        float coef = (float) (maxNorm / (norm + 1e-6));
        if (coef < 1f) {
            for (Tensor g : grads) {
                doScale(coef, g, g);
            }
        }
        return norm;
    }

    private static void checkStep(String op, long step) {
        if (step < 1) {
            throw new InvalidArgumentException(op + ": step counts from 1, got " + step);
        }
    }

    private void checkElementwiseAlias(String op, String name, Tensor in, Tensor out) {
        if (in.sharesStorageWith(out) && !in.shape().equals(out.shape())) {
            throw new InvalidArgumentException(op + ": " + name + " " + in.shape() + " shares storage with out "
                    + out.shape() + " but is broadcast; in-place is allowed only for same-shape operands");
        }
    }

    // ------------------------------------------------------------------------------- kernels (validated inputs)

    /** A new zero-filled tensor of this backend. */
    protected abstract Tensor newTensor(Shape shape);

    protected abstract void doCopyIn(float[] src, Tensor dst);

    protected abstract void doCopyOut(Tensor src, float[] dst);

    protected abstract void doCopy(Tensor src, Tensor dst);

    protected abstract void doFill(Tensor dst, float value);

    protected abstract void doGemm(boolean transA, boolean transB, int m, int n, int k, float alpha, Tensor a,
                                   Tensor b, float beta, Tensor c, Epilogue epilogue);

    protected abstract void doBatchedGemm(boolean transA, boolean transB, int batch, int m, int n, int k,
                                          float alpha, Tensor a, Tensor b, float beta, Tensor c);

    protected abstract void doBinary(BinaryOp op, Tensor a, Tensor b, Tensor out);

    protected abstract void doScale(float alpha, Tensor x, Tensor out);

    protected abstract void doAxpy(float alpha, Tensor x, Tensor y);

    protected abstract void doBiasAdd(Tensor x, Tensor bias, Tensor out);

    protected abstract void doClamp(Tensor x, float lo, float hi, Tensor out);

    protected abstract void doUnary(UnaryOp op, Tensor x, Tensor out);

    protected abstract void doActivation(Activation act, Tensor x, Tensor y);

    protected abstract void doActivationBackward(Activation act, Tensor x, Tensor dy, Tensor dx);

    /** Softmax ({@code log == false}) or log-softmax over the last dimension. */
    protected abstract void doSoftmax(Tensor x, Tensor y, boolean log);

    protected abstract void doSoftmaxBackward(Tensor y, Tensor dy, Tensor dx, boolean log);

    protected abstract float doMseLoss(Tensor pred, Tensor target, Tensor dpred);

    protected abstract float doCrossEntropy(Tensor logits, int[] labels, Tensor dlogits);

    protected abstract float doCrossEntropySoft(Tensor logits, Tensor targets, Tensor dlogits);

    /** {@code axis} is normalized to 0 or 1 (always 0 for rank 1). */
    protected abstract void doReduce(Reduction reduction, Tensor x, int axis, Tensor out);

    protected abstract void doArgmax(Tensor x, int axis, int[] out);

    protected abstract float doL2Norm(Tensor[] tensors);

    /**
     * Kernel of {@link #fusedElementwise}. The default evaluates host tensors ({@link HostTensor}) in scalar Java tile
     * by tile (see {@code FusedElementwiseHost}); backends with other memory, or faster code, override it.
     */
    protected void doFusedElementwise(FusedExpression expr, Tensor[] inputs, Tensor out) {
        FusedElementwiseHost.evaluate(expr, inputs, out);
    }

    /** Forward and backward dropout are the same map: {@code y = keep(i) ? x/(1−p) : 0}. */
    protected abstract void doDropout(Tensor x, float p, long seed, long offset, Tensor y);

    protected abstract void doSgdStep(SgdConfig config, long step, Tensor param, Tensor grad,
                                      Tensor momentumBuffer);

    protected abstract void doAdamStep(AdamConfig config, long step, Tensor param, Tensor grad, Tensor m, Tensor v);
}
