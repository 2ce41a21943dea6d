package io.kiln.core;

/**
 * What GEMM applies to each tile of C as it is written back: {@code C = act(alpha·op(A)·op(B) + beta·C + bias)}
 * with {@code bias} (nullable) a vector of N values added to every row. Lets a graph fuse
 * {@code matmul + bias + activation} without another pass over C.
 */
public record Epilogue(Tensor bias, Activation activation) {
    public static final Epilogue NONE = new Epilogue(null, Activation.IDENTITY);

    public Epilogue {
        if (activation == null) {
            throw new InvalidArgumentException("Epilogue: activation is null (use Activation.IDENTITY)");
        }
    }

    public static Epilogue bias(Tensor bias) {
        return new Epilogue(bias, Activation.IDENTITY);
    }

    public static Epilogue of(Tensor bias, Activation activation) {
        return new Epilogue(bias, activation);
    }

    public boolean isNone() {
        return bias == null && activation == Activation.IDENTITY;
    }
}
