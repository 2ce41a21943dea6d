package io.kiln.core;

import java.util.Arrays;

/**
 * An immutable tensor shape: dimensions in row-major order (the last dimension varies fastest). A rank-0 shape is a
 * scalar with one element. Dimensions may be zero; they may not be negative, and the element count must fit an int
 * (host tensors are Java arrays).
 */
public final class Shape {
    private final int[] dims;
    private final int size;

    private Shape(int[] dims) {
        this.dims = dims;
        long n = 1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0) {
                throw new ShapeException("shape " + Arrays.toString(dims) + ": dimension " + i + " is negative");
            }
            n *= dims[i];
            if (n > Integer.MAX_VALUE - 8) {
                throw new ShapeException("shape " + Arrays.toString(dims) + " has more than 2^31-9 elements");
            }
        }
        this.size = (int) n;
    }

    public static Shape of(int... dims) {
        if (dims == null) {
            throw new InvalidArgumentException("Shape.of: dims is null");
        }
        return new Shape(dims.clone());
    }

    public static Shape scalar() {
        return new Shape(new int[0]);
    }

    public int rank() {
        return dims.length;
    }

    /** Dimension {@code i}; negative {@code i} counts from the end as in PyTorch. */
    public int dim(int i) {
        int j = i < 0 ? dims.length + i : i;
        if (j < 0 || j >= dims.length) {
            throw new ShapeException("shape " + this + " has no dimension " + i);
        }
        return dims[j];
    }

    /** Number of elements. */
    public int size() {
        return size;
    }

    public int[] dims() {
        return dims.clone();
    }

    /** Rows of the shape seen as a matrix: the product of every dimension but the last (1 for rank 0 and 1). */
    public int rows() {
        return dims.length == 0 ? 1 : (dims[dims.length - 1] == 0 ? rowsProduct() : size / dims[dims.length - 1]);
    }

    private int rowsProduct() {
        long n = 1;
        for (int i = 0; i < dims.length - 1; i++) {
            n *= dims[i];
        }
        return (int) n;
    }

    /** Columns of the shape seen as a matrix: the last dimension (1 for rank 0). */
    public int cols() {
        return dims.length == 0 ? 1 : dims[dims.length - 1];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}
