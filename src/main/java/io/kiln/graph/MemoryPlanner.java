package io.kiln.graph;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code memory_plan}: assigns every value the kernels write to a buffer, reusing buffers by liveness (greedy, in
 * schedule order). A value may take the buffer of a dead value with the same key ({@code key}: the element count on
 * host backends, where one {@code float[]} backs tensors of any shape of that size; the exact shape elsewhere), or the
 * buffer of an operand that dies at this very kernel when the kernel allows in place. Outputs are never reused. With
 * planning off, every value gets a buffer of its own.
 */
public final class MemoryPlanner {
    public static final String NAME = "memory_plan";

    private MemoryPlanner() {
    }

    /**
     * One kernel as the planner sees it.
     *
     * @param reads    values it reads
     * @param writes   values it writes
     * @param inPlace  operands whose buffer it may write its (single) result into
     * @param viewOf   when not null, {@code writes.get(0)} is a view of this value and shares its buffer
     */
    public record Step(List<Node> reads, List<Node> writes, List<Node> inPlace, Node viewOf) {
    }

    /**
     * @param schedule  the kernels in run order
     * @param external  values not planned (inputs, parameters, constants)
     * @param keepAlive values live after the run (outputs)
     * @param key       buffers are interchangeable when their keys are equal
     * @param enabled   false: one buffer per value
     */
    public static MemoryPlan plan(List<Step> schedule, Set<Node> external, Set<Node> keepAlive,
                                  Function<Node, Object> key, boolean enabled) {
        Map<Node, Integer> lastUse = new IdentityHashMap<>();
        for (int i = 0; i < schedule.size(); i++) {
            for (Node w : schedule.get(i).writes()) {
                lastUse.put(w, i);
            }
            for (Node r : schedule.get(i).reads()) {
                lastUse.put(r, i);
            }
        }
        for (Node k : keepAlive) {
            lastUse.put(k, Integer.MAX_VALUE);
        }
        Map<Node, Integer> storageOf = new LinkedHashMap<>();
        List<MemoryPlan.Buffer> buffers = new ArrayList<>();
        List<Integer> storageLast = new ArrayList<>();
        List<Object> storageKey = new ArrayList<>();
        boolean[] released = new boolean[0];
        Map<Object, ArrayDeque<Integer>> pool = new HashMap<>();
        long unplanned = 0;
        long live = 0;
        long peak = 0;
        for (int i = 0; i < schedule.size(); i++) {
            Step step = schedule.get(i);
            for (Node w : step.writes()) {
                int last = lastUse.get(w);
                Integer s = null;
                if (step.viewOf() != null && w == step.writes().get(0) && storageOf.containsKey(step.viewOf())) {
                    s = storageOf.get(step.viewOf());
                    storageLast.set(s, Math.max(storageLast.get(s), last));
                    storageOf.put(w, s);
                    continue;
                }
                unplanned += bytes(w);
                Object k = key.apply(w);
                if (enabled) {
                    for (Node c : step.inPlace()) {
                        Integer cs = storageOf.get(c);
                        if (cs != null && !external.contains(c) && storageLast.get(cs) == i && !released[cs]
                                && storageKey.get(cs).equals(k) && step.writes().size() == 1) {
                            s = cs;
                            break;
                        }
                    }
                    if (s == null) {
                        ArrayDeque<Integer> free = pool.get(k);
                        s = free == null ? null : free.poll();
                        if (s != null) {
                            released[s] = false;
                            live += buffers.get(s).bytes();
                        }
                    }
                }
                if (s == null) {
                    s = buffers.size();
                    buffers.add(new MemoryPlan.Buffer(s, w.shape, bytes(w)));
                    storageLast.add(last);
                    storageKey.add(k);
                    released = java.util.Arrays.copyOf(released, buffers.size());
                    live += bytes(w);
                } else {
                    storageLast.set(s, Math.max(last, storageLast.get(s) == i ? last : storageLast.get(s)));
                }
                storageOf.put(w, s);
            }
            peak = Math.max(peak, live);
            // free buffers whose every value has been read for the last time
            List<Node> touched = new ArrayList<>(step.reads());
            touched.addAll(step.writes());
            for (Node n : touched) {
                Integer s = storageOf.get(n);
                if (s != null && storageLast.get(s) <= i && !released[s] && enabled) {
                    released[s] = true;
                    live -= buffers.get(s).bytes();
                    pool.computeIfAbsent(storageKey.get(s), x -> new ArrayDeque<>()).push(s);
                }
            }
        }
        long planned = 0;
        for (MemoryPlan.Buffer b : buffers) {
            planned += b.bytes();
        }
        return new MemoryPlan(storageOf, buffers, planned, unplanned, enabled ? peak : planned);
    }

    private static long bytes(Node n) {
        return 4L * n.shape.size();
    }
}
