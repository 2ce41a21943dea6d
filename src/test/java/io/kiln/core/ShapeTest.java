package io.kiln.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ShapeTest {

    @Test
    void dimensionsRankSizeAndNegativeIndices() {
        Shape s = Shape.of(2, 3, 4);
        assertEquals(3, s.rank());
        assertEquals(24, s.size());
        assertEquals(2, s.dim(0));
        assertEquals(4, s.dim(2));
        assertEquals(4, s.dim(-1));
        assertEquals(2, s.dim(-3));
        assertEquals("[2, 3, 4]", s.toString());
        ShapeException e = assertThrows(ShapeException.class, () -> s.dim(3));
        assertTrue(e.getMessage().contains("[2, 3, 4]") && e.getMessage().contains("dimension 3"), e.getMessage());
        assertThrows(ShapeException.class, () -> s.dim(-4));
    }

    @Test
    void scalarHasRankZeroAndOneElement() {
        Shape s = Shape.scalar();
        assertEquals(0, s.rank());
        assertEquals(1, s.size());
        assertEquals(Shape.of(), s);
        assertEquals(1, s.rows());
        assertEquals(1, s.cols());
        assertThrows(ShapeException.class, () -> s.dim(0));
    }

    @Test
    void negativeDimensionIsRefusedWithItsIndex() {
        ShapeException e = assertThrows(ShapeException.class, () -> Shape.of(3, -1, 2));
        assertTrue(e.getMessage().contains("[3, -1, 2]") && e.getMessage().contains("dimension 1")
                && e.getMessage().contains("negative"), e.getMessage());
        assertThrows(ShapeException.class, () -> Shape.of(-5));
        InvalidArgumentException n = assertThrows(InvalidArgumentException.class, () -> Shape.of((int[]) null));
        assertTrue(n.getMessage().contains("Shape.of"), n.getMessage());
    }

    @Test
    void elementCountMustFitAJavaArray() {
        int limit = Integer.MAX_VALUE - 8;
        assertEquals(limit, Shape.of(limit).size());
        assertEquals(limit, Shape.of(1, limit, 1).size());
        ShapeException e = assertThrows(ShapeException.class, () -> Shape.of(limit + 1));
        assertTrue(e.getMessage().contains("2^31-9"), e.getMessage());
        // 2^16 · 2^16 = 2^32 overflows int; so would a product that wraps to a small positive int
        assertThrows(ShapeException.class, () -> Shape.of(1 << 16, 1 << 16));
        assertThrows(ShapeException.class, () -> Shape.of(1 << 16, 1 << 16, 1 << 16, 1 << 16)); // 2^64 wraps to 0
        assertThrows(ShapeException.class, () -> Shape.of(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE));
        assertThrows(ShapeException.class, () -> Shape.of(46_341, 46_341));
        assertEquals(46_340 * 46_340, Shape.of(46_340, 46_340).size());
        // a zero dimension first makes everything after it free
        assertEquals(0, Shape.of(0, Integer.MAX_VALUE).size());
    }

    @Test
    void rowsAndColumnsAsAMatrix() {
        assertRowsCols(Shape.of(5), 1, 5);
        assertRowsCols(Shape.of(7, 13), 7, 13);
        assertRowsCols(Shape.of(2, 3, 4), 6, 4);
        assertRowsCols(Shape.of(2, 1, 3, 5), 6, 5);
        // zero sizes: rows stay the product of the leading dimensions
        assertRowsCols(Shape.of(3, 0), 3, 0);
        assertRowsCols(Shape.of(0, 5), 0, 5);
        assertRowsCols(Shape.of(2, 0, 4), 0, 4);
        assertRowsCols(Shape.of(2, 3, 0), 6, 0);
        assertRowsCols(Shape.of(0), 1, 0);
        assertRowsCols(Shape.of(0, 0), 0, 0);
    }

    private static void assertRowsCols(Shape s, int rows, int cols) {
        assertEquals(rows, s.rows(), s + " rows");
        assertEquals(cols, s.cols(), s + " cols");
    }

    @Test
    void immutableValueSemantics() {
        int[] dims = {2, 3};
        Shape s = Shape.of(dims);
        dims[0] = 99;
        assertEquals(2, s.dim(0), "Shape.of copies its argument");
        int[] out = s.dims();
        out[1] = 99;
        assertEquals(3, s.dim(1), "dims() returns a copy");
        assertArrayEquals(new int[] {2, 3}, s.dims());
        assertEquals(Shape.of(2, 3), s);
        assertEquals(Shape.of(2, 3).hashCode(), s.hashCode());
        assertNotEquals(Shape.of(3, 2), s);
        assertNotEquals(Shape.of(2, 3, 1), s);
        assertNotEquals(Shape.of(6), s);
    }
}
