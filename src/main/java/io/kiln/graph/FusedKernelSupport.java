package io.kiln.graph;

import io.kiln.core.Backend;
import io.kiln.core.FusedExpression;
import io.kiln.core.MemorySpace;
import io.kiln.core.Tensor;

/** Which evaluator runs the fused elementwise kernels of a graph compiled for a given backend. */
final class FusedKernelSupport {
    /** What {@link CompileOptions.FusedKernels} resolves to for one backend. */
    enum Evaluator { BACKEND, CODEGEN, INTERPRETER, NONE }

    private FusedKernelSupport() {
    }

    static Evaluator resolve(Backend backend, CompileOptions.FusedKernels requested) {
        boolean host = backend.memory() == MemorySpace.HOST;
        boolean own = overridesFusedElementwise(backend);
        return switch (requested) {
            case AUTO -> own ? Evaluator.BACKEND
                    : !host ? Evaluator.NONE
                    : backend.name().equals("reference") ? Evaluator.BACKEND : Evaluator.CODEGEN;
            case BACKEND -> own || host ? Evaluator.BACKEND : Evaluator.NONE;
            case CODEGEN -> host ? Evaluator.CODEGEN : own ? Evaluator.BACKEND : Evaluator.NONE;
            case INTERPRETER -> host ? Evaluator.INTERPRETER : own ? Evaluator.BACKEND : Evaluator.NONE;
        };
    }

    /** Whether the backend's class (or a superclass below {@link Backend}) implements its own fused kernel. */
    static boolean overridesFusedElementwise(Backend backend) {
        for (Class<?> c = backend.getClass(); c != null && c != Backend.class; c = c.getSuperclass()) {
            try {
                c.getDeclaredMethod("doFusedElementwise", FusedExpression.class, Tensor[].class, Tensor.class);
                return true;
            } catch (NoSuchMethodException e) {
                // keep looking up the hierarchy
            }
        }
        return false;
    }
}
