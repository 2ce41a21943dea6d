package io.kiln.train;

import io.kiln.core.BinaryOp;
import io.kiln.core.Epilogue;
import io.kiln.core.InvalidArgumentException;
import io.kiln.core.Reduction;
import io.kiln.core.Tensor;
import io.kiln.core.UnaryOp;
import java.util.Arrays;
import java.util.Locale;

/**
 * k-nearest-neighbours classification with distances computed by GEMM.
 *
 * <p>For a batch of queries Q and stored examples P, {@code ‖q − p‖² = ‖q‖² − 2·q·p + ‖p‖²}; the kernel computes
 * {@code −2·Q·Pᵀ + ‖p‖²} as one GEMM whose epilogue adds the stored norms as a bias. The per-row constant ‖q‖²
 * does not change any row's ranking and is left out (it is added back on the host only where a distance is
 * reported). The k smallest per row are then selected on the host (the SPI has no top-k kernel) and vote; a tie
 * between classes goes to the class of the nearest neighbour among them. Cosine distance normalizes every stored
 * and query row to unit length first (Backend ops: mul, reduce_sum, sqrt, clamp, div), after which ranking by L2
 * is ranking by cosine similarity.
 *
 * <p>Condensing (Hart's condensed nearest neighbour, 1968) keeps a subset of prototypes that classifies the whole
 * training set correctly with 1-NN: start from one example, visit the rest in a seeded random order, add each one
 * the current prototypes misclassify, and repeat passes until one adds nothing. Candidates are processed in
 * blocks: one GEMM gives their distances to the prototypes kept before the block; prototypes added inside the
 * block are checked on the host, so the result is exactly the sequential algorithm's.
 *
 * <p>{@link #parameterCount()} is the number of stored floats (prototypes × features): k-NN's model is its data.
 */
public final class KNearestNeighbours implements Classifier {
    /** The distance the neighbours are ranked by. */
    public enum Metric { L2, COSINE }

    /** Largest distance matrix (floats) one prediction batch may produce. */
    private static final long MAX_DISTANCE_FLOATS = 1L << 23;
    private static final int CONDENSE_BLOCK = 64;

    private final Ops ops;
    private final int k;
    private final Metric metric;
    private final boolean condense;
    private final int maxCondensePasses;
    private final long seed;
    private final int requestedBatch;

    private Tensor prototypes;
    private Tensor prototypeNorms;
    private int[] prototypeLabels;
    private int features;
    private int classes;
    private int trainingRows;
    private int condensePasses;
    private Batch[] batches = new Batch[0];

    /** Buffers for one prediction batch size: the queries, their distances, and host copies. */
    private final class Batch implements AutoCloseable {
        final int rows;
        final Tensor queries;
        final Tensor distances;
        final Tensor rowNorms;
        final Tensor rowNormsColumn;
        final float[] staging;
        final float[] host;
        final float[] norms;
        final float[] bestD;
        final int[] bestI;
        final int[] votes;

        Batch(int rows, int columns) {
            this.rows = rows;
            bestD = new float[Math.min(k, columns)];
            bestI = new int[Math.min(k, columns)];
            votes = new int[classes];
            queries = ops.allocate(rows, features);
            distances = ops.allocate(rows, columns);
            staging = new float[rows * features];
            host = new float[rows * columns];
            if (metric == Metric.COSINE) {
                rowNorms = ops.allocate(rows);
                rowNormsColumn = ops.allocate(rows, 1);
                norms = new float[rows];
            } else {
                rowNorms = null;
                rowNormsColumn = null;
                norms = null;
            }
        }

        @Override
        public void close() {
            queries.close();
            distances.close();
            if (rowNorms != null) {
                rowNorms.close();
                rowNormsColumn.close();
            }
        }
    }

    public KNearestNeighbours(Ops ops, int k, Metric metric, boolean condense, long seed, int predictBatchSize) {
        if (k < 1) {
            throw new InvalidArgumentException("knn: k must be >= 1, got " + k);
        }
        if (predictBatchSize < 1) {
            throw new InvalidArgumentException("knn: predict batch size must be >= 1, got " + predictBatchSize);
        }
        this.ops = ops;
        this.k = k;
        this.metric = metric;
        this.condense = condense;
        this.maxCondensePasses = 10;
        this.seed = seed;
        this.requestedBatch = predictBatchSize;
    }

    public static Metric parseMetric(String s) {
        return switch (s.strip().toLowerCase(Locale.ROOT)) {
            case "l2", "euclidean" -> Metric.L2;
            case "cosine" -> Metric.COSINE;
            default -> throw new InvalidArgumentException("unknown k-NN metric '" + s + "'; known: l2, cosine");
        };
    }

    @Override
    public String kind() {
        return "knn";
    }

    @Override
    public String describe() {
        String base = k + "-nearest neighbours, " + metric.name().toLowerCase(Locale.ROOT) + " distance via GEMM";
        if (condense) {
            base += prototypeLabels == null ? ", condensed (Hart)" : ", condensed (Hart) to " + prototypeLabels.length
                    + " of " + trainingRows + " examples in " + condensePasses + " passes";
        }
        return base;
    }

    @Override
    public Ops ops() {
        return ops;
    }

    /** Stored floats: prototypes × features. */
    @Override
    public long parameterCount() {
        return prototypes == null ? 0 : prototypes.size();
    }

    /** Number of stored examples (prototypes). */
    public int prototypeCount() {
        return prototypeLabels == null ? 0 : prototypeLabels.length;
    }

    public int condensePasses() {
        return condensePasses;
    }

    @Override
    public int predictBatchSize() {
        int stored = Math.max(1, prototypeCount());
        return (int) Math.max(1, Math.min(requestedBatch, MAX_DISTANCE_FLOATS / stored));
    }

    @Override
    public TrainingHistory fit(Dataset train, TrainingListener listener) {
        TrainingListener l = listener == null ? TrainingListener.NONE : listener;
        closeAll();
        if (train.rows() == 0) {
            throw new DatasetException("knn: training set " + train + " is empty");
        }
        features = train.features();
        classes = train.classes();
        trainingRows = train.rows();
        TrainingHistory history = new TrainingHistory(condense ? "prototypes added" : "examples stored");
        l.start(describe(), history.lossName(), condense ? maxCondensePasses : 1, train.rows(), 0);
        long t0 = System.nanoTime();
        int n = train.rows();
        Tensor all = ops.fromArray(train.x(), n, features);
        if (metric == Metric.COSINE) {
            normalizeRows(all, n);
        }
        if (!condense) {
            prototypes = all;
            prototypeLabels = train.y().clone();
            history.addEpoch(new TrainingHistory.Epoch(1, n, 0, n, (System.nanoTime() - t0) / 1e9));
        } else {
            float[] x = metric == Metric.COSINE ? ops.backend().toArray(all) : train.x();
            all.close();
            condense(x, train.y(), history, l, t0);
        }
        prototypeNorms = ops.allocate(prototypeLabels.length);
        squaredRowNorms(prototypes, prototypeNorms);
        history.finish(condense ? condensePasses : 1, condense ? (long) condensePasses * n : n,
                (System.nanoTime() - t0) / 1e9, condense ? "a pass added no prototype" : "stored");
        l.end(history);
        return history;
    }

    /** Σ_j x[i, j]² into {@code out[i]} with mul + reduce_sum (a scratch tensor the size of x). */
    private void squaredRowNorms(Tensor x, Tensor out) {
        try (Tensor squares = ops.allocate(x.shape().dims())) {
            ops.binary(BinaryOp.MUL, x, x, squares);
            ops.reduce(Reduction.SUM, squares, 1, out);
        }
    }

    /** Scales every row of {@code x} to unit L2 norm (rows of norm below 1e-12 are divided by 1e-12). */
    private void normalizeRows(Tensor x, int rows) {
        try (Tensor norms = ops.allocate(rows); Tensor column = ops.allocate(rows, 1)) {
            squaredRowNorms(x, norms);
            normalizeWith(x, norms, column, new float[rows]);
        }
    }

    private void normalizeWith(Tensor x, Tensor squaredNorms, Tensor column, float[] host) {
        ops.unary(UnaryOp.SQRT, squaredNorms, squaredNorms);
        ops.clamp(squaredNorms, 1e-12f, Float.MAX_VALUE, squaredNorms);
        // the SPI has no reshape: [rows] -> [rows, 1] goes through the host, rows floats
        ops.copyOut(squaredNorms, host);
        ops.copyIn(host, column);
        ops.binary(BinaryOp.DIV, x, column, x);
    }

    /** Hart's condensed nearest neighbour, blocked as described in the class comment. */
    private void condense(float[] x, int[] y, TrainingHistory history, TrainingListener l, long t0) {
        int n = y.length;
        int d = features;
        int[] order = Dataset.permutation(n, seed);
        boolean[] stored = new boolean[n];
        int capacity = Math.min(n, 256);
        float[] protoHost = new float[capacity * d];
        float[] normsHost = new float[capacity];
        int[] labels = new int[capacity];
        int count = 0;
        // the first example in the seeded order is the first prototype
        int first = order[0];
        System.arraycopy(x, first * d, protoHost, 0, d);
        normsHost[0] = squaredNorm(x, first * d, d);
        labels[0] = y[first];
        stored[first] = true;
        count = 1;
        Tensor protoTensor = ops.allocate(capacity, d);
        Tensor normTensor = ops.allocate(capacity);
        ops.copyIn(protoHost, protoTensor);
        ops.copyIn(normsHost, normTensor);
        Tensor[] queries = new Tensor[2];
        Tensor[] distances = new Tensor[2];
        float[] staging = new float[CONDENSE_BLOCK * d];
        float[] host = new float[0];
        int passes = 0;
        long examples = 0;
        try {
            for (int pass = 1; pass <= maxCondensePasses; pass++) {
                passes = pass;
                int added = 0;
                for (int start = 0; start < n; start += CONDENSE_BLOCK) {
                    int rows = Math.min(CONDENSE_BLOCK, n - start);
                    int slot = rows == CONDENSE_BLOCK ? 0 : 1;
                    if (queries[slot] == null) {
                        queries[slot] = ops.allocate(rows, d);
                    }
                    if (distances[slot] == null || distances[slot].dim(1) != capacity) {
                        if (distances[slot] != null) {
                            distances[slot].close();
                        }
                        distances[slot] = ops.allocate(rows, capacity);
                    }
                    for (int r = 0; r < rows; r++) {
                        System.arraycopy(x, order[start + r] * d, staging, r * d, d);
                    }
                    ops.copyIn(rows == CONDENSE_BLOCK ? staging : Arrays.copyOf(staging, rows * d), queries[slot]);
                    ops.gemm(false, true, -2f, queries[slot], protoTensor, 0f, distances[slot],
                            Epilogue.bias(normTensor));
                    int columns = capacity; // the distance matrix's width, fixed for this block
                    if (host.length != rows * columns) {
                        host = new float[rows * columns];
                    }
                    float[] g = host;
                    ops.copyOut(distances[slot], g);
                    int before = count;
                    for (int r = 0; r < rows; r++) {
                        int idx = order[start + r];
                        examples++;
                        if (stored[idx]) {
                            continue;
                        }
                        int best = -1;
                        float bestD = Float.POSITIVE_INFINITY;
                        int off = r * columns;
                        for (int j = 0; j < before; j++) {
                            if (g[off + j] < bestD) {
                                bestD = g[off + j];
                                best = j;
                            }
                        }
                        for (int j = before; j < count; j++) { // prototypes added earlier in this block
                            float dist = normsHost[j] - 2 * dot(protoHost, j * d, staging, r * d, d);
                            if (dist < bestD) {
                                bestD = dist;
                                best = j;
                            }
                        }
                        if (labels[best] != y[idx]) {
                            if (count == capacity) {
                                capacity = Math.min(n, capacity * 2);
                                protoHost = Arrays.copyOf(protoHost, capacity * d);
                                normsHost = Arrays.copyOf(normsHost, capacity);
                                labels = Arrays.copyOf(labels, capacity);
                            }
                            System.arraycopy(x, idx * d, protoHost, count * d, d);
                            normsHost[count] = squaredNorm(x, idx * d, d);
                            labels[count] = y[idx];
                            stored[idx] = true;
                            count++;
                            added++;
                        }
                    }
                    if (count > before) {
                        if (protoTensor.dim(0) != capacity) {
                            protoTensor.close();
                            normTensor.close();
                            protoTensor = ops.allocate(capacity, d);
                            normTensor = ops.allocate(capacity);
                        }
                        ops.copyIn(protoHost, protoTensor);
                        ops.copyIn(normsHost, normTensor);
                    }
                    if ((start / CONDENSE_BLOCK) % 16 == 15 || start + rows == n) {
                        double seconds = (System.nanoTime() - t0) / 1e9;
                        l.step(pass, start / CONDENSE_BLOCK + 1, count, examples, seconds,
                                (pass - 1 + (start + rows) / (double) n) / maxCondensePasses);
                    }
                }
                TrainingHistory.Epoch e = new TrainingHistory.Epoch(pass, added, 0, n,
                        (System.nanoTime() - t0) / 1e9);
                history.addEpoch(e);
                l.epochEnd(e);
                if (added == 0) {
                    break;
                }
            }
        } finally {
            protoTensor.close();
            normTensor.close();
            for (int i = 0; i < 2; i++) {
                if (queries[i] != null) {
                    queries[i].close();
                }
                if (distances[i] != null) {
                    distances[i].close();
                }
            }
        }
        condensePasses = passes;
        prototypes = ops.fromArray(Arrays.copyOf(protoHost, count * d), count, d);
        prototypeLabels = Arrays.copyOf(labels, count);
    }

    private static float squaredNorm(float[] x, int off, int d) {
        double s = 0;
        for (int j = 0; j < d; j++) {
            s += (double) x[off + j] * x[off + j];
        }
        return (float) s;
    }

    private static float dot(float[] a, int aOff, float[] b, int bOff, int d) {
        double s = 0;
        for (int j = 0; j < d; j++) {
            s += (double) a[aOff + j] * b[bOff + j];
        }
        return (float) s;
    }

    @Override
    public void predict(Dataset data, int start, int count, int[] out) {
        if (prototypes == null) {
            throw new InvalidArgumentException("knn: predict before fit");
        }
        if (data.features() != features) {
            throw new InvalidArgumentException("knn: data " + data + " has " + data.features()
                    + " features, the model takes " + features);
        }
        int stored = prototypeLabels.length;
        int kk = Math.min(k, stored);
        Batch b = batch(count);
        System.arraycopy(data.x(), start * features, b.staging, 0, count * features);
        ops.copyIn(b.staging, b.queries);
        if (metric == Metric.COSINE) {
            squaredRowNorms(b.queries, b.rowNorms);
            normalizeWith(b.queries, b.rowNorms, b.rowNormsColumn, b.norms);
        }
        ops.gemm(false, true, -2f, b.queries, prototypes, 0f, b.distances, Epilogue.bias(prototypeNorms));
        ops.copyOut(b.distances, b.host);
        float[] bestD = b.bestD;
        int[] bestI = b.bestI;
        int[] votes = b.votes;
        for (int r = 0; r < count; r++) {
            int off = r * stored;
            int filled = 0;
            for (int j = 0; j < stored; j++) {
                float dist = b.host[off + j];
                if (filled == kk && !(dist < bestD[kk - 1])) {
                    continue;
                }
                int pos = filled == kk ? kk - 1 : filled++;
                while (pos > 0 && bestD[pos - 1] > dist) {
                    bestD[pos] = bestD[pos - 1];
                    bestI[pos] = bestI[pos - 1];
                    pos--;
                }
                bestD[pos] = dist;
                bestI[pos] = j;
            }
            Arrays.fill(votes, 0);
            int top = 0;
            for (int i = 0; i < filled; i++) {
                top = Math.max(top, ++votes[prototypeLabels[bestI[i]]]);
            }
            int label = prototypeLabels[bestI[0]];
            for (int i = 0; i < filled; i++) { // the nearest neighbour whose class has the most votes
                if (votes[prototypeLabels[bestI[i]]] == top) {
                    label = prototypeLabels[bestI[i]];
                    break;
                }
            }
            out[start + r] = label;
        }
    }

    private Batch batch(int rows) {
        for (Batch b : batches) {
            if (b.rows == rows) {
                return b;
            }
        }
        Batch b = new Batch(rows, prototypeLabels.length);
        batches = Arrays.copyOf(batches, batches.length + 1);
        batches[batches.length - 1] = b;
        return b;
    }

    private void closeAll() {
        for (Batch b : batches) {
            b.close();
        }
        batches = new Batch[0];
        if (prototypes != null) {
            prototypes.close();
            prototypes = null;
        }
        if (prototypeNorms != null) {
            prototypeNorms.close();
            prototypeNorms = null;
        }
        prototypeLabels = null;
    }

    @Override
    public void close() {
        closeAll();
    }
}
