package io.kiln.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BroadcastTest {

    private static void resolves(int[] a, int[] b, int... expected) {
        assertEquals(Shape.of(expected), Broadcast.resolve("t", Shape.of(a), Shape.of(b)),
                Shape.of(a) + " with " + Shape.of(b));
        assertEquals(Shape.of(expected), Broadcast.resolve("t", Shape.of(b), Shape.of(a)), "symmetric");
    }

    @Test
    void numpyRulesAlignFromTheRight() {
        resolves(new int[] {7, 13}, new int[] {7, 13}, 7, 13);
        resolves(new int[] {7, 13}, new int[] {13}, 7, 13);
        resolves(new int[] {7, 13}, new int[] {7, 1}, 7, 13);
        resolves(new int[] {1}, new int[] {7, 13}, 7, 13);
        resolves(new int[] {}, new int[] {4, 3}, 4, 3);
        resolves(new int[] {1, 33}, new int[] {259, 1}, 259, 33);
        resolves(new int[] {2, 3, 17}, new int[] {3, 1}, 2, 3, 17);
        resolves(new int[] {2, 1, 17}, new int[] {5, 1}, 2, 5, 17);
        resolves(new int[] {}, new int[] {}, new int[0]);
        // zero sizes broadcast like any other size; only 1 stretches
        resolves(new int[] {0, 5}, new int[] {5}, 0, 5);
        resolves(new int[] {0, 5}, new int[] {1, 5}, 0, 5);
        resolves(new int[] {1}, new int[] {0}, 0);
        resolves(new int[] {5, 0}, new int[] {5, 1}, 5, 0);
    }

    @Test
    void incompatibleShapesNameBothAndTheDimension() {
        ShapeException e = assertThrows(ShapeException.class,
                () -> Broadcast.resolve("add", Shape.of(3, 4), Shape.of(3)));
        String m = e.getMessage();
        assertTrue(m.startsWith("add:") && m.contains("[3, 4]") && m.contains("[3]") && m.contains("dimension 1")
                && m.contains("4 vs 3"), m);
        assertThrows(ShapeException.class, () -> Broadcast.resolve("t", Shape.of(3), Shape.of(0)));
        assertThrows(ShapeException.class, () -> Broadcast.resolve("t", Shape.of(2, 3, 4), Shape.of(3, 3, 4)));
    }

    @Test
    void stridesAreZeroWhereBroadcast() {
        assertArrayEquals(new int[] {0, 1}, Broadcast.strides(Shape.of(13), Shape.of(7, 13)));
        assertArrayEquals(new int[] {1, 0}, Broadcast.strides(Shape.of(7, 1), Shape.of(7, 13)));
        assertArrayEquals(new int[] {0, 0}, Broadcast.strides(Shape.of(1), Shape.of(7, 13)));
        assertArrayEquals(new int[] {0, 0}, Broadcast.strides(Shape.scalar(), Shape.of(4, 3)));
        assertArrayEquals(new int[] {51, 17, 1}, Broadcast.strides(Shape.of(2, 3, 17), Shape.of(2, 3, 17)));
        assertArrayEquals(new int[] {0, 1, 0}, Broadcast.strides(Shape.of(3, 1), Shape.of(2, 3, 17)));
        assertArrayEquals(new int[] {0, 1}, Broadcast.strides(Shape.of(1, 33), Shape.of(259, 33)));
        assertArrayEquals(new int[] {5, 0, 1}, Broadcast.strides(Shape.of(2, 1, 5), Shape.of(2, 4, 5)));
    }
}
