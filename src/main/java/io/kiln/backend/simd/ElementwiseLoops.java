package io.kiln.backend.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The elementwise loops of the SIMD backend, one method per op: full vectors in the loop body, one masked vector for
 * the tail, the lane function a static call that C2 inlines.
 *
 * <p>Why one copy of the loop per op instead of one shared loop taking a lane function: a shared loop's call to the
 * lane function has one type profile for every op; once three ops have run through it the call is megamorphic, C2
 * cannot inline it, and every vector is boxed: measured 10-50x slower (bench/README.md). Each loop here has its own
 * bytecode and a statically bound lane call, so it compiles to straight vector code whatever else runs in the
 * process. The methods are the same skeleton written out per op; change them together.
 *
 * <p>Two skeletons. Cheap ops (memory-bound) run full vectors in the body and one masked vector for the tail. Ops
 * with a transcendental (exp, log, tanh, erf, sigmoid and the activations and derivatives built on them) run every
 * vector through one masked call site ({@code indexInRange} is all-true except at the end): a second copy of the
 * lane function in the tail doubles the IR that C2 inlines, and for the sigmoid-based derivatives that crossed C2's
 * inlining node budget ({@code NodeCountInliningCutoff}): a helper was left un-inlined and every vector boxed
 * (GELU-tanh backward 4.4 → 1.05 ns/element and 24 → 0 B/element allocated, {@code ActivationBench -prof gc}).
 */
final class ElementwiseLoops {
    private static final VectorSpecies<Float> S = Lanes.S;
    private static final int L = Lanes.L;

    private ElementwiseLoops() {
    }

    // ------------------------------------------------------------------------ unary ops and activations

    static void neg(float[] in, int xo, float[] out, int yo, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector x = FloatVector.fromArray(S, in, xo + i);
            (x.neg()).intoArray(out, yo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector x = FloatVector.fromArray(S, in, xo + i, m);
            (x.neg()).intoArray(out, yo + i, m);
        }
    }

    static void abs(float[] in, int xo, float[] out, int yo, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector x = FloatVector.fromArray(S, in, xo + i);
            (x.abs()).intoArray(out, yo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector x = FloatVector.fromArray(S, in, xo + i, m);
            (x.abs()).intoArray(out, yo + i, m);
        }
    }

    static void exp(float[] in, int xo, float[] out, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector x = FloatVector.fromArray(S, in, xo + i, m);
            (VectorMath.exp(x)).intoArray(out, yo + i, m);
        }
    }

    static void log(float[] in, int xo, float[] out, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector x = FloatVector.fromArray(S, in, xo + i, m);
            (VectorMath.log(x)).intoArray(out, yo + i, m);
        }
    }

    static void tanh(float[] in, int xo, float[] out, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector x = FloatVector.fromArray(S, in, xo + i, m);
            (VectorMath.tanh(x)).intoArray(out, yo + i, m);
        }
    }

    static void erf(float[] in, int xo, float[] out, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector x = FloatVector.fromArray(S, in, xo + i, m);
            (VectorMath.erf(x)).intoArray(out, yo + i, m);
        }
    }

    static void sqrt(float[] in, int xo, float[] out, int yo, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector x = FloatVector.fromArray(S, in, xo + i);
            (x.sqrt()).intoArray(out, yo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector x = FloatVector.fromArray(S, in, xo + i, m);
            (x.sqrt()).intoArray(out, yo + i, m);
        }
    }

    static void reciprocal(float[] in, int xo, float[] out, int yo, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector x = FloatVector.fromArray(S, in, xo + i);
            (FloatVector.broadcast(S, 1f).div(x)).intoArray(out, yo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector x = FloatVector.fromArray(S, in, xo + i, m);
            (FloatVector.broadcast(S, 1f).div(x)).intoArray(out, yo + i, m);
        }
    }

    static void square(float[] in, int xo, float[] out, int yo, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector x = FloatVector.fromArray(S, in, xo + i);
            (x.mul(x)).intoArray(out, yo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector x = FloatVector.fromArray(S, in, xo + i, m);
            (x.mul(x)).intoArray(out, yo + i, m);
        }
    }

    static void relu(float[] in, int xo, float[] out, int yo, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector x = FloatVector.fromArray(S, in, xo + i);
            (ActivationKernels.relu(x)).intoArray(out, yo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector x = FloatVector.fromArray(S, in, xo + i, m);
            (ActivationKernels.relu(x)).intoArray(out, yo + i, m);
        }
    }

    static void leakyRelu(float[] in, int xo, float[] out, int yo, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector x = FloatVector.fromArray(S, in, xo + i);
            (ActivationKernels.leakyRelu(x)).intoArray(out, yo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector x = FloatVector.fromArray(S, in, xo + i, m);
            (ActivationKernels.leakyRelu(x)).intoArray(out, yo + i, m);
        }
    }

    static void sigmoid(float[] in, int xo, float[] out, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector x = FloatVector.fromArray(S, in, xo + i, m);
            (VectorMath.sigmoid(x)).intoArray(out, yo + i, m);
        }
    }

    static void silu(float[] in, int xo, float[] out, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector x = FloatVector.fromArray(S, in, xo + i, m);
            (ActivationKernels.silu(x)).intoArray(out, yo + i, m);
        }
    }

    static void geluErf(float[] in, int xo, float[] out, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector x = FloatVector.fromArray(S, in, xo + i, m);
            (ActivationKernels.geluErf(x)).intoArray(out, yo + i, m);
        }
    }

    static void geluTanh(float[] in, int xo, float[] out, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector x = FloatVector.fromArray(S, in, xo + i, m);
            (ActivationKernels.geluTanh(x)).intoArray(out, yo + i, m);
        }
    }

    static void geluSigmoid(float[] in, int xo, float[] out, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector x = FloatVector.fromArray(S, in, xo + i, m);
            (ActivationKernels.geluSigmoid(x)).intoArray(out, yo + i, m);
        }
    }

    // ---------------------------------------------------------------- activation backward: (x, dy) -> dx

    static void reluBackward(float[] xs, float[] dys, float[] dxs, int off, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector x = FloatVector.fromArray(S, xs, off + i);
            FloatVector dy = FloatVector.fromArray(S, dys, off + i);
            ActivationKernels.reluBackward(x, dy).intoArray(dxs, off + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector x = FloatVector.fromArray(S, xs, off + i, m);
            FloatVector dy = FloatVector.fromArray(S, dys, off + i, m);
            ActivationKernels.reluBackward(x, dy).intoArray(dxs, off + i, m);
        }
    }

    static void leakyReluBackward(float[] xs, float[] dys, float[] dxs, int off, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector x = FloatVector.fromArray(S, xs, off + i);
            FloatVector dy = FloatVector.fromArray(S, dys, off + i);
            ActivationKernels.leakyReluBackward(x, dy).intoArray(dxs, off + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector x = FloatVector.fromArray(S, xs, off + i, m);
            FloatVector dy = FloatVector.fromArray(S, dys, off + i, m);
            ActivationKernels.leakyReluBackward(x, dy).intoArray(dxs, off + i, m);
        }
    }

    static void sigmoidBackward(float[] xs, float[] dys, float[] dxs, int off, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector x = FloatVector.fromArray(S, xs, off + i, m);
            FloatVector dy = FloatVector.fromArray(S, dys, off + i, m);
            ActivationKernels.sigmoidBackward(x, dy).intoArray(dxs, off + i, m);
        }
    }

    static void tanhBackward(float[] xs, float[] dys, float[] dxs, int off, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector x = FloatVector.fromArray(S, xs, off + i, m);
            FloatVector dy = FloatVector.fromArray(S, dys, off + i, m);
            ActivationKernels.tanhBackward(x, dy).intoArray(dxs, off + i, m);
        }
    }

    static void siluBackward(float[] xs, float[] dys, float[] dxs, int off, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector x = FloatVector.fromArray(S, xs, off + i, m);
            FloatVector dy = FloatVector.fromArray(S, dys, off + i, m);
            ActivationKernels.siluBackward(x, dy).intoArray(dxs, off + i, m);
        }
    }

    static void geluErfBackward(float[] xs, float[] dys, float[] dxs, int off, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector x = FloatVector.fromArray(S, xs, off + i, m);
            FloatVector dy = FloatVector.fromArray(S, dys, off + i, m);
            ActivationKernels.geluErfBackward(x, dy).intoArray(dxs, off + i, m);
        }
    }

    static void geluTanhBackward(float[] xs, float[] dys, float[] dxs, int off, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector x = FloatVector.fromArray(S, xs, off + i, m);
            FloatVector dy = FloatVector.fromArray(S, dys, off + i, m);
            ActivationKernels.geluTanhBackward(x, dy).intoArray(dxs, off + i, m);
        }
    }

    static void geluSigmoidBackward(float[] xs, float[] dys, float[] dxs, int off, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector x = FloatVector.fromArray(S, xs, off + i, m);
            FloatVector dy = FloatVector.fromArray(S, dys, off + i, m);
            ActivationKernels.geluSigmoidBackward(x, dy).intoArray(dxs, off + i, m);
        }
    }

    // ---------------------------------------- binary ops: vector-vector, vector-scalar, scalar-vector

    static void addVV(float[] as, int ao, float[] bs, int bo, float[] os, int oo, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector a = FloatVector.fromArray(S, as, ao + i);
            FloatVector b = FloatVector.fromArray(S, bs, bo + i);
            (a.add(b)).intoArray(os, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector a = FloatVector.fromArray(S, as, ao + i, m);
            FloatVector b = FloatVector.fromArray(S, bs, bo + i, m);
            (a.add(b)).intoArray(os, oo + i, m);
        }
    }

    static void addVS(float[] as, int ao, float bScalar, float[] os, int oo, int n) {
        FloatVector b = FloatVector.broadcast(S, bScalar);
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector a = FloatVector.fromArray(S, as, ao + i);
            (a.add(b)).intoArray(os, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector a = FloatVector.fromArray(S, as, ao + i, m);
            (a.add(b)).intoArray(os, oo + i, m);
        }
    }

    static void addSV(float aScalar, float[] bs, int bo, float[] os, int oo, int n) {
        FloatVector a = FloatVector.broadcast(S, aScalar);
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector b = FloatVector.fromArray(S, bs, bo + i);
            (a.add(b)).intoArray(os, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector b = FloatVector.fromArray(S, bs, bo + i, m);
            (a.add(b)).intoArray(os, oo + i, m);
        }
    }

    static void subVV(float[] as, int ao, float[] bs, int bo, float[] os, int oo, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector a = FloatVector.fromArray(S, as, ao + i);
            FloatVector b = FloatVector.fromArray(S, bs, bo + i);
            (a.sub(b)).intoArray(os, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector a = FloatVector.fromArray(S, as, ao + i, m);
            FloatVector b = FloatVector.fromArray(S, bs, bo + i, m);
            (a.sub(b)).intoArray(os, oo + i, m);
        }
    }

    static void subVS(float[] as, int ao, float bScalar, float[] os, int oo, int n) {
        FloatVector b = FloatVector.broadcast(S, bScalar);
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector a = FloatVector.fromArray(S, as, ao + i);
            (a.sub(b)).intoArray(os, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector a = FloatVector.fromArray(S, as, ao + i, m);
            (a.sub(b)).intoArray(os, oo + i, m);
        }
    }

    static void subSV(float aScalar, float[] bs, int bo, float[] os, int oo, int n) {
        FloatVector a = FloatVector.broadcast(S, aScalar);
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector b = FloatVector.fromArray(S, bs, bo + i);
            (a.sub(b)).intoArray(os, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector b = FloatVector.fromArray(S, bs, bo + i, m);
            (a.sub(b)).intoArray(os, oo + i, m);
        }
    }

    static void mulVV(float[] as, int ao, float[] bs, int bo, float[] os, int oo, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector a = FloatVector.fromArray(S, as, ao + i);
            FloatVector b = FloatVector.fromArray(S, bs, bo + i);
            (a.mul(b)).intoArray(os, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector a = FloatVector.fromArray(S, as, ao + i, m);
            FloatVector b = FloatVector.fromArray(S, bs, bo + i, m);
            (a.mul(b)).intoArray(os, oo + i, m);
        }
    }

    static void mulVS(float[] as, int ao, float bScalar, float[] os, int oo, int n) {
        FloatVector b = FloatVector.broadcast(S, bScalar);
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector a = FloatVector.fromArray(S, as, ao + i);
            (a.mul(b)).intoArray(os, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector a = FloatVector.fromArray(S, as, ao + i, m);
            (a.mul(b)).intoArray(os, oo + i, m);
        }
    }

    static void mulSV(float aScalar, float[] bs, int bo, float[] os, int oo, int n) {
        FloatVector a = FloatVector.broadcast(S, aScalar);
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector b = FloatVector.fromArray(S, bs, bo + i);
            (a.mul(b)).intoArray(os, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector b = FloatVector.fromArray(S, bs, bo + i, m);
            (a.mul(b)).intoArray(os, oo + i, m);
        }
    }

    static void divVV(float[] as, int ao, float[] bs, int bo, float[] os, int oo, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector a = FloatVector.fromArray(S, as, ao + i);
            FloatVector b = FloatVector.fromArray(S, bs, bo + i);
            (a.div(b)).intoArray(os, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector a = FloatVector.fromArray(S, as, ao + i, m);
            FloatVector b = FloatVector.fromArray(S, bs, bo + i, m);
            (a.div(b)).intoArray(os, oo + i, m);
        }
    }

    static void divVS(float[] as, int ao, float bScalar, float[] os, int oo, int n) {
        FloatVector b = FloatVector.broadcast(S, bScalar);
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector a = FloatVector.fromArray(S, as, ao + i);
            (a.div(b)).intoArray(os, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector a = FloatVector.fromArray(S, as, ao + i, m);
            (a.div(b)).intoArray(os, oo + i, m);
        }
    }

    static void divSV(float aScalar, float[] bs, int bo, float[] os, int oo, int n) {
        FloatVector a = FloatVector.broadcast(S, aScalar);
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector b = FloatVector.fromArray(S, bs, bo + i);
            (a.div(b)).intoArray(os, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector b = FloatVector.fromArray(S, bs, bo + i, m);
            (a.div(b)).intoArray(os, oo + i, m);
        }
    }

    static void maxVV(float[] as, int ao, float[] bs, int bo, float[] os, int oo, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector a = FloatVector.fromArray(S, as, ao + i);
            FloatVector b = FloatVector.fromArray(S, bs, bo + i);
            (a.max(b)).intoArray(os, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector a = FloatVector.fromArray(S, as, ao + i, m);
            FloatVector b = FloatVector.fromArray(S, bs, bo + i, m);
            (a.max(b)).intoArray(os, oo + i, m);
        }
    }

    static void maxVS(float[] as, int ao, float bScalar, float[] os, int oo, int n) {
        FloatVector b = FloatVector.broadcast(S, bScalar);
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector a = FloatVector.fromArray(S, as, ao + i);
            (a.max(b)).intoArray(os, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector a = FloatVector.fromArray(S, as, ao + i, m);
            (a.max(b)).intoArray(os, oo + i, m);
        }
    }

    static void maxSV(float aScalar, float[] bs, int bo, float[] os, int oo, int n) {
        FloatVector a = FloatVector.broadcast(S, aScalar);
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector b = FloatVector.fromArray(S, bs, bo + i);
            (a.max(b)).intoArray(os, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector b = FloatVector.fromArray(S, bs, bo + i, m);
            (a.max(b)).intoArray(os, oo + i, m);
        }
    }

    static void minVV(float[] as, int ao, float[] bs, int bo, float[] os, int oo, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector a = FloatVector.fromArray(S, as, ao + i);
            FloatVector b = FloatVector.fromArray(S, bs, bo + i);
            (a.min(b)).intoArray(os, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector a = FloatVector.fromArray(S, as, ao + i, m);
            FloatVector b = FloatVector.fromArray(S, bs, bo + i, m);
            (a.min(b)).intoArray(os, oo + i, m);
        }
    }

    static void minVS(float[] as, int ao, float bScalar, float[] os, int oo, int n) {
        FloatVector b = FloatVector.broadcast(S, bScalar);
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector a = FloatVector.fromArray(S, as, ao + i);
            (a.min(b)).intoArray(os, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector a = FloatVector.fromArray(S, as, ao + i, m);
            (a.min(b)).intoArray(os, oo + i, m);
        }
    }

    static void minSV(float aScalar, float[] bs, int bo, float[] os, int oo, int n) {
        FloatVector a = FloatVector.broadcast(S, aScalar);
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector b = FloatVector.fromArray(S, bs, bo + i);
            (a.min(b)).intoArray(os, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector b = FloatVector.fromArray(S, bs, bo + i, m);
            (a.min(b)).intoArray(os, oo + i, m);
        }
    }
}
