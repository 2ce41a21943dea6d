package io.kiln.train;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files, the format of MNIST and Fashion-MNIST (LeCun et al.): a big-endian header with the magic number
 * {@code 0x00000803} (unsigned bytes, 3 dimensions: images × rows × columns) or {@code 0x00000801} (unsigned bytes,
 * 1 dimension: labels), the dimensions as 32-bit counts, then the bytes. Files may be gzip-compressed (detected from
 * the first two bytes, not from the name). Pixels become floats in [0, 1] (byte / 255, as torchvision's ToTensor).
 *
 * <p>Every problem is a {@link DatasetException} naming the file: a missing file, a wrong magic number, a truncated
 * or over-long file, image and label counts that disagree.
 */
public final class IdxReader {
    /** Magic number of an IDX file of unsigned bytes with three dimensions (images). */
    public static final int MAGIC_IMAGES = 0x00000803;
    /** Magic number of an IDX file of unsigned bytes with one dimension (labels). */
    public static final int MAGIC_LABELS = 0x00000801;

    /** Fashion-MNIST's class names, by label. */
    public static final List<String> FASHION_MNIST_CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress",
            "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private IdxReader() {
    }

    /** Images of an IDX3 file: {@code count} images of {@code rows × cols} pixels in [0, 1], row-major. */
    public record Images(Path file, int count, int rows, int cols, float[] pixels) {
        public int pixelsPerImage() {
            return rows * cols;
        }
    }

    /** Reads an IDX3 image file ({@code 0x00000803}). */
    public static Images readImages(Path file) {
        byte[] bytes = readAll(file);
        int magic = header(file, bytes, 0);
        if (magic != MAGIC_IMAGES) {
            throw wrongMagic(file, magic, MAGIC_IMAGES, "images");
        }
        int count = header(file, bytes, 4);
        int rows = header(file, bytes, 8);
        int cols = header(file, bytes, 12);
        if (count < 0 || rows <= 0 || cols <= 0) {
            throw new DatasetException("IDX file " + file + ": bad dimensions " + count + " x " + rows + " x " + cols);
        }
        long expected = (long) count * rows * cols;
        checkLength(file, bytes.length - 16L, expected, count + " images of " + rows + "x" + cols);
        float[] pixels = new float[(int) expected];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (bytes[16 + i] & 0xFF) / 255f;
        }
        return new Images(file, count, rows, cols, pixels);
    }

    /** Reads an IDX1 label file ({@code 0x00000801}). */
    public static int[] readLabels(Path file) {
        byte[] bytes = readAll(file);
        int magic = header(file, bytes, 0);
        if (magic != MAGIC_LABELS) {
            throw wrongMagic(file, magic, MAGIC_LABELS, "labels");
        }
        int count = header(file, bytes, 4);
        if (count < 0) {
            throw new DatasetException("IDX file " + file + ": negative label count " + count);
        }
        checkLength(file, bytes.length - 8L, count, count + " labels");
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = bytes[8 + i] & 0xFF;
        }
        return labels;
    }

    /**
     * Reads an image file and its label file into a data set. The number of classes is {@code classes} when
     * positive, else one more than the largest label.
     */
    public static Dataset load(String name, Path images, Path labels, int classes, List<String> classNames) {
        Images im = readImages(images);
        int[] y = readLabels(labels);
        if (y.length != im.count()) {
            throw new DatasetException("IDX files disagree: " + images + " holds " + im.count() + " images but "
                    + labels + " holds " + y.length + " labels");
        }
        int k = classes;
        if (k <= 0) {
            for (int label : y) {
                k = Math.max(k, label + 1);
            }
        }
        for (int i = 0; i < y.length; i++) {
            if (y[i] >= k) {
                throw new DatasetException("IDX file " + labels + ": label " + y[i] + " at index " + i
                        + " is out of range [0, " + k + ")");
            }
        }
        List<String> names = classNames != null && classNames.size() == k ? classNames : null;
        return new Dataset(name, im.pixels(), y, im.pixelsPerImage(), k, names);
    }

    /**
     * Loads an MNIST-style directory: {@code train-images*}, {@code train-labels*} and {@code t10k-images*}
     * (or {@code test-images*}), {@code t10k-labels*} (or {@code test-labels*}), each gzip-compressed or not.
     */
    public static DataSplit loadDirectory(Path dir, String name, List<String> classNames) {
        if (!Files.isDirectory(dir)) {
            throw new DatasetException("IDX directory " + dir + " does not exist or is not a directory");
        }
        Path trainImages = find(dir, "train-images");
        Path trainLabels = find(dir, "train-labels");
        Path testImages = findEither(dir, "t10k-images", "test-images");
        Path testLabels = findEither(dir, "t10k-labels", "test-labels");
        Dataset train = load(name + "/train", trainImages, trainLabels, 0, classNames);
        Dataset test = load(name + "/test", testImages, testLabels, train.classes(), train.classNames());
        if (train.features() != test.features()) {
            throw new DatasetException("IDX files disagree: " + trainImages + " has " + train.features()
                    + " pixels per image but " + testImages + " has " + test.features());
        }
        return new DataSplit(name, train, test, "IDX files in " + dir);
    }

    private static Path findEither(Path dir, String prefix, String alternative) {
        try {
            return find(dir, prefix);
        } catch (DatasetException e) {
            return find(dir, alternative);
        }
    }

    /** The single regular file in {@code dir} whose name starts with {@code prefix}, preferring .gz. */
    static Path find(Path dir, String prefix) {
        List<Path> matches = new ArrayList<>();
        try (var stream = Files.list(dir)) {
            stream.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().startsWith(prefix))
                    .sorted()
                    .forEach(matches::add);
        } catch (IOException e) {
            throw new DatasetException("cannot list IDX directory " + dir + ": " + e.getMessage(), e);
        }
        if (matches.isEmpty()) {
            throw new DatasetException("IDX directory " + dir + " has no file named " + prefix
                    + "* (expected e.g. " + prefix + "-idx" + (prefix.contains("images") ? 3 : 1) + "-ubyte.gz)");
        }
        for (Path p : matches) {
            if (p.getFileName().toString().endsWith(".gz")) {
                return p;
            }
        }
        return matches.get(0);
    }

    private static byte[] readAll(Path file) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            if (b0 == 0x1f && b1 == 0x8b) {
                try (InputStream in = new GZIPInputStream(raw, 1 << 16)) {
                    return in.readAllBytes();
                }
            }
            return raw.readAllBytes();
        } catch (NoSuchFileException e) {
            throw new DatasetException("IDX file " + file + " does not exist", e);
        } catch (EOFException e) {
            throw new DatasetException("IDX file " + file + " is truncated: the gzip stream ends early", e);
        } catch (ZipException e) {
            throw new DatasetException("IDX file " + file + " is not valid gzip: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new DatasetException("cannot read IDX file " + file + ": " + e.getMessage(), e);
        }
    }

    private static int header(Path file, byte[] bytes, int offset) {
        if (bytes.length < offset + 4) {
            throw new DatasetException("IDX file " + file + " is truncated: " + bytes.length
                    + " bytes, too short for its header");
        }
        return ((bytes[offset] & 0xFF) << 24) | ((bytes[offset + 1] & 0xFF) << 16) | ((bytes[offset + 2] & 0xFF) << 8)
                | (bytes[offset + 3] & 0xFF);
    }

    private static DatasetException wrongMagic(Path file, int found, int expected, String what) {
        String hint = found == MAGIC_IMAGES ? " (that is an image file)" : found == MAGIC_LABELS
                ? " (that is a label file)" : "";
        return new DatasetException(String.format("IDX file %s: wrong magic number 0x%08X%s; expected 0x%08X for %s",
                file, found, hint, expected, what));
    }

    private static void checkLength(Path file, long available, long expected, String what) {
        if (available < expected) {
            throw new DatasetException("IDX file " + file + " is truncated: its header announces " + what + " ("
                    + expected + " data bytes) but only " + available + " follow");
        }
        if (available > expected) {
            throw new DatasetException("IDX file " + file + ": its header announces " + what + " (" + expected
                    + " data bytes) but " + available + " follow; the count in the header is wrong");
        }
    }
}
