package io.kiln.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiln.core.Activation;
import io.kiln.core.Backends;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A 10-epoch run allocates every tensor in its first epoch (two workspaces: the full batch and the partial last
 * one) and none after; the heap after a full GC does not grow from epoch 2 to epoch 10.
 */
class MemoryFlatTest {
    static long usedHeapAfterGc() {
        MemoryMXBean bean = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            used = Math.min(used, bean.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    @Test
    void tenEpochsAllocateNothingAfterTheFirstAndTheHeapStaysFlat() {
        Dataset train = EmbeddedDataset.standard().train().head(1000); // 15 batches of 64 and one of 40
        Ops ops = new Ops(Backends.select("reference"));
        List<Long> tensors = new ArrayList<>();
        List<Long> floats = new ArrayList<>();
        long[] heap = new long[11];
        MlpOptions o = new MlpOptions().hidden(64, 32).activations(Activation.GELU_ERF).dropout(0.2f).epochs(10)
                .batchSize(64).optimizer(OptimizerKind.ADAMW).l1(1e-5f).clipGradNorm(5f)
                .schedule(LrSchedule.parse("step", 0));
        try (MlpTrainer t = new MlpTrainer(ops, o)) {
            TrainingHistory h = t.fit(train, new TrainingListener() {
                @Override
                public void epochEnd(TrainingHistory.Epoch e) {
                    tensors.add(ops.tensorsAllocated());
                    floats.add(ops.floatsAllocated());
                    if (e.epoch() == 2 || e.epoch() == 10) {
                        heap[e.epoch()] = usedHeapAfterGc();
                    }
                }
            });
            assertEquals(10, h.epochs().size());
            for (TrainingHistory.Epoch e : h.epochs()) {
                assertEquals(1000, e.examples(), "every row, the partial batch included, is seen each epoch");
            }
            assertEquals(2, t.model().workspaceCount(), "one workspace for batch 64, one for the last 40 rows");
            for (int i = 1; i < tensors.size(); i++) {
                assertEquals(tensors.get(0), tensors.get(i), "tensors allocated by the end of epoch " + (i + 1));
                assertEquals(floats.get(0), floats.get(i), "floats allocated by the end of epoch " + (i + 1));
            }
            long growth = heap[10] - heap[2];
            System.out.printf("memory: %d tensors (%d floats) allocated, heap after GC %d -> %d bytes%n",
                    tensors.get(0), floats.get(0), heap[2], heap[10]);
            assertTrue(growth < 2L << 20, "heap grew by " + growth + " bytes from epoch 2 to epoch 10");
        }
    }
}
