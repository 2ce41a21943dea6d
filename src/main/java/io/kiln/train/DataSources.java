package io.kiln.train;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Resolves the {@code --data} argument of {@code kiln train} to a train/test split:
 * <ul>
 *   <li>{@code embedded} (the default): {@link EmbeddedDataset#standard()}, nothing to install;</li>
 *   <li>{@code fashion-mnist}: the IDX files of Debian's {@code dataset-fashion-mnist} package in
 *       {@value #FASHION_MNIST_DIR} (or the directory in the {@code KILN_FASHION_MNIST} environment variable);</li>
 *   <li>a directory of IDX files ({@code train-images*}, {@code train-labels*}, {@code t10k-*} or {@code test-*});</li>
 *   <li>a directory with {@code train.csv} and {@code test.csv}, or a single {@code .csv} file, split 80/20 with the
 *       seed. CSV features are standardized with the training rows' mean and standard deviation.</li>
 * </ul>
 */
public final class DataSources {
    public static final String EMBEDDED = "embedded";
    public static final String FASHION_MNIST = "fashion-mnist";
    public static final String FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist";

    private DataSources() {
    }

    public static DataSplit load(String spec, long seed) {
        String s = spec == null || spec.isBlank() ? EMBEDDED : spec.strip();
        if (s.equalsIgnoreCase(EMBEDDED)) {
            return EmbeddedDataset.standard();
        }
        if (s.equalsIgnoreCase(FASHION_MNIST)) {
            String env = System.getenv("KILN_FASHION_MNIST");
            Path dir = Path.of(env != null && !env.isBlank() ? env : FASHION_MNIST_DIR);
            if (!Files.isDirectory(dir)) {
                throw new DatasetException("Fashion-MNIST not found: " + dir + " does not exist; install it with "
                        + "'apt-get install dataset-fashion-mnist' or pass --data DIR with its IDX files");
            }
            return IdxReader.loadDirectory(dir, FASHION_MNIST, IdxReader.FASHION_MNIST_CLASSES);
        }
        Path path = Path.of(s);
        if (Files.isDirectory(path)) {
            if (hasPrefix(path, "train-images")) {
                return IdxReader.loadDirectory(path, path.getFileName().toString(), null);
            }
            Path train = path.resolve("train.csv");
            Path test = path.resolve("test.csv");
            if (Files.isRegularFile(train) && Files.isRegularFile(test)) {
                return standardized(new CsvReader().readSplit(path.getFileName().toString(), train, test));
            }
            throw new DatasetException("data directory " + path + " holds neither IDX files (train-images*, "
                    + "train-labels*, t10k-images*, t10k-labels*) nor train.csv and test.csv");
        }
        if (Files.isRegularFile(path)) {
            if (!s.toLowerCase(java.util.Locale.ROOT).endsWith(".csv")) {
                throw new DatasetException("data file " + path + " is not a .csv file; pass a CSV file, a directory "
                        + "of IDX or CSV files, 'embedded' or 'fashion-mnist'");
            }
            Dataset all = new CsvReader().read(path);
            if (all.rows() < 2) {
                throw new DatasetException("CSV file " + path + " has " + all.rows() + " row(s); need at least 2 "
                        + "to split into train and test");
            }
            int[] order = Dataset.permutation(all.rows(), seed);
            int trainRows = Math.max(1, (int) Math.round(all.rows() * 0.8));
            int[] trainIdx = java.util.Arrays.copyOfRange(order, 0, trainRows);
            int[] testIdx = java.util.Arrays.copyOfRange(order, trainRows, all.rows());
            String name = path.getFileName().toString();
            return standardized(new DataSplit(name, all.select(trainIdx), all.select(testIdx),
                    "CSV file " + path + ", split 80/20 with seed " + seed));
        }
        throw new DatasetException("data '" + s + "' is neither 'embedded', 'fashion-mnist', a directory nor a file");
    }

    private static boolean hasPrefix(Path dir, String prefix) {
        try (var stream = Files.list(dir)) {
            return stream.anyMatch(p -> p.getFileName().toString().startsWith(prefix));
        } catch (java.io.IOException e) {
            throw new DatasetException("cannot list data directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The split with every feature standardized by the training rows' mean and standard deviation. */
    static DataSplit standardized(DataSplit split) {
        Dataset tr = split.train();
        Dataset te = split.test();
        int d = tr.features();
        float[] trainX = tr.x().clone();
        float[] testX = te.x().clone();
        for (int j = 0; j < d; j++) {
            double sum = 0;
            double sq = 0;
            for (int i = j; i < trainX.length; i += d) {
                sum += trainX[i];
                sq += (double) trainX[i] * trainX[i];
            }
            double mean = sum / tr.rows();
            double var = sq / tr.rows() - mean * mean;
            double std = var > 1e-12 ? Math.sqrt(var) : 1.0;
            for (int i = j; i < trainX.length; i += d) {
                trainX[i] = (float) ((trainX[i] - mean) / std);
            }
            for (int i = j; i < testX.length; i += d) {
                testX[i] = (float) ((testX[i] - mean) / std);
            }
        }
        return new DataSplit(split.name(),
                new Dataset(tr.name(), trainX, tr.y(), d, tr.classes(), tr.classNames()),
                new Dataset(te.name(), testX, te.y(), d, te.classes(), te.classNames()),
                split.description() + ", standardized");
    }
}
