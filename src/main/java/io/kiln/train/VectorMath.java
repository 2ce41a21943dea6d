package io.kiln.train;

import io.kiln.core.BinaryOp;
import io.kiln.core.Reduction;
import io.kiln.core.Tensor;
import java.util.List;

/**
 * Dot products of tensors shaped like a model's parameters, with Backend ops: {@code mul} into a scratch tensor,
 * then {@code reduce_sum} over rows and over the remaining vector, the scalar copied out and summed on the host in
 * double. The scratch is allocated once, per parameter shape.
 */
final class VectorMath implements AutoCloseable {
    private final Ops ops;
    private final Tensor[] products;
    private final Tensor[] rowSums;
    private final Tensor one;
    private final float[] host = new float[1];

    VectorMath(Ops ops, List<Parameter> params) {
        this.ops = ops;
        this.products = new Tensor[params.size()];
        this.rowSums = new Tensor[params.size()];
        for (int i = 0; i < products.length; i++) {
            Tensor v = params.get(i).value();
            products[i] = ops.allocate(v.shape().dims());
            if (v.rank() == 2) {
                rowSums[i] = ops.allocate(v.dim(0));
            } else if (v.rank() != 1) {
                throw new io.kiln.core.ShapeException("VectorMath: parameter " + params.get(i).name() + " has shape "
                        + v.shape() + "; only rank 1 and 2 are supported");
            }
        }
        this.one = ops.allocate(1);
    }

    /** {@code a·b} where both are shaped like parameter {@code i}. */
    double dot(int i, Tensor a, Tensor b) {
        ops.binary(BinaryOp.MUL, a, b, products[i]);
        if (rowSums[i] != null) {
            ops.reduce(Reduction.SUM, products[i], 1, rowSums[i]);
            ops.reduce(Reduction.SUM, rowSums[i], 0, one);
        } else {
            ops.reduce(Reduction.SUM, products[i], 0, one);
        }
        ops.copyOut(one, host);
        return host[0];
    }

    /** {@code Σ_i a[i]·b[i]} over whole parameter lists. */
    double dot(Tensor[] a, Tensor[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += dot(i, a[i], b[i]);
        }
        return sum;
    }

    @Override
    public void close() {
        for (int i = 0; i < products.length; i++) {
            products[i].close();
            if (rowSums[i] != null) {
                rowSums[i].close();
            }
        }
        one.close();
    }
}
