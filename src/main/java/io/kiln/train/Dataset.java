package io.kiln.train;

import io.kiln.core.InvalidArgumentException;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A labelled classification data set held on the host: {@code rows} examples of {@code features} floats each,
 * row-major in one array, and one class label in {@code [0, classes)} per row. Immutable by convention (the arrays
 * are not copied; nobody writes them after construction).
 */
public final class Dataset {
    private final String name;
    private final float[] x;
    private final int[] y;
    private final int rows;
    private final int features;
    private final int classes;
    private final List<String> classNames;

    public Dataset(String name, float[] x, int[] y, int features, int classes, List<String> classNames) {
        if (x == null || y == null) {
            throw new InvalidArgumentException("Dataset " + name + ": features or labels are null");
        }
        if (features <= 0) {
            throw new InvalidArgumentException("Dataset " + name + ": features must be > 0, got " + features);
        }
        if (x.length % features != 0 || x.length / features != y.length) {
            throw new DatasetException("data set " + name + ": " + x.length + " floats of " + features
                    + " features do not match " + y.length + " labels");
        }
        if (classes <= 0) {
            throw new InvalidArgumentException("Dataset " + name + ": classes must be > 0, got " + classes);
        }
        for (int i = 0; i < y.length; i++) {
            if (y[i] < 0 || y[i] >= classes) {
                throw new DatasetException("data set " + name + ": label " + y[i] + " of row " + i
                        + " is out of range [0, " + classes + ")");
            }
        }
        this.name = name;
        this.x = x;
        this.y = y;
        this.rows = y.length;
        this.features = features;
        this.classes = classes;
        this.classNames = classNames == null ? defaultNames(classes) : List.copyOf(classNames);
        if (this.classNames.size() != classes) {
            throw new InvalidArgumentException("Dataset " + name + ": " + this.classNames.size() + " class names for "
                    + classes + " classes");
        }
    }

    static List<String> defaultNames(int classes) {
        String[] names = new String[classes];
        for (int i = 0; i < classes; i++) {
            names[i] = Integer.toString(i);
        }
        return List.of(names);
    }

    public String name() {
        return name;
    }

    /** Row-major features, {@code rows × features}. Do not modify. */
    public float[] x() {
        return x;
    }

    /** One label per row. Do not modify. */
    public int[] y() {
        return y;
    }

    public int rows() {
        return rows;
    }

    public int features() {
        return features;
    }

    public int classes() {
        return classes;
    }

    public List<String> classNames() {
        return classNames;
    }

    /** Examples per class. */
    public int[] classCounts() {
        int[] counts = new int[classes];
        for (int label : y) {
            counts[label]++;
        }
        return counts;
    }

    /** The first {@code n} rows (all when {@code n} is at least {@link #rows()}). */
    public Dataset head(int n) {
        if (n < 0) {
            throw new InvalidArgumentException("Dataset.head: n must be >= 0, got " + n);
        }
        if (n >= rows) {
            return this;
        }
        return new Dataset(name, Arrays.copyOf(x, n * features), Arrays.copyOf(y, n), features, classes, classNames);
    }

    /** A seeded random sample of {@code n} rows without replacement (all rows, shuffled, when n &ge; rows). */
    public Dataset sample(int n, long seed) {
        int[] order = permutation(rows, seed);
        int m = Math.min(n, rows);
        float[] sx = new float[m * features];
        int[] sy = new int[m];
        for (int i = 0; i < m; i++) {
            System.arraycopy(x, order[i] * features, sx, i * features, features);
            sy[i] = y[order[i]];
        }
        return new Dataset(name, sx, sy, features, classes, classNames);
    }

    /** The rows with the given indices, in that order. */
    public Dataset select(int[] indices) {
        float[] sx = new float[indices.length * features];
        int[] sy = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(x, indices[i] * features, sx, i * features, features);
            sy[i] = y[indices[i]];
        }
        return new Dataset(name, sx, sy, features, classes, classNames);
    }

    /** A seeded Fisher-Yates permutation of {@code 0..n-1}. */
    public static int[] permutation(int n, long seed) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        shuffle(p, new SplittableRandom(seed));
        return p;
    }

    /** Shuffles {@code p} in place (Fisher-Yates). */
    public static void shuffle(int[] p, SplittableRandom random) {
        for (int i = p.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
    }

    @Override
    public String toString() {
        return name + " (" + rows + " x " + features + ", " + classes + " classes)";
    }
}
