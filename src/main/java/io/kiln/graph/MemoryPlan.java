package io.kiln.graph;

import io.kiln.core.Shape;
import java.util.List;
import java.util.Map;

/**
 * Where each intermediate value of a compiled graph lives. Values share a buffer when their lifetimes do not
 * overlap (a buffer is free after the last kernel reading any value in it) and their sizes match; an elementwise
 * kernel may write into the buffer of an operand that dies at that kernel (in place). Views (reshapes) share their
 * operand's buffer.
 *
 * @param storageOf     buffer index of every planned value
 * @param buffers       the buffers (shape of their first value, bytes)
 * @param plannedBytes  bytes of all buffers: what the executable allocates for intermediates and outputs
 * @param unplannedBytes bytes if every value had a buffer of its own
 * @param livePeakBytes the most bytes of buffers holding a live value at any kernel (a lower bound on planning)
 */
public record MemoryPlan(Map<Node, Integer> storageOf, List<Buffer> buffers, long plannedBytes, long unplannedBytes,
                         long livePeakBytes) {

    public record Buffer(int index, Shape shape, long bytes) {
    }

    @Override
    public String toString() {
        return "memory plan: " + buffers.size() + " buffers, " + plannedBytes + " bytes planned (" + unplannedBytes
                + " without planning, live peak " + livePeakBytes + ")";
    }
}
