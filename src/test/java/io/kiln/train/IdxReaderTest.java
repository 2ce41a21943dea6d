package io.kiln.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir
    Path dir;

    static byte[] images(int magic, int count, int rows, int cols, int dataBytes) {
        ByteBuffer b = ByteBuffer.allocate(16 + dataBytes);
        b.putInt(magic).putInt(count).putInt(rows).putInt(cols);
        for (int i = 0; i < dataBytes; i++) {
            b.put((byte) (i * 37));
        }
        return b.array();
    }

    static byte[] labels(int magic, int count, int... values) {
        ByteBuffer b = ByteBuffer.allocate(8 + values.length);
        b.putInt(magic).putInt(count);
        for (int v : values) {
            b.put((byte) v);
        }
        return b.array();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bos)) {
            out.write(raw);
        }
        return bos.toByteArray();
    }

    Path write(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    @Test
    void readsPlainAndGzipImagesAndLabels() throws IOException {
        byte[] raw = images(IdxReader.MAGIC_IMAGES, 3, 2, 2, 12);
        Path plain = write("train-images-idx3-ubyte", raw);
        Path gz = write("other-images.gz", gzip(raw));
        IdxReader.Images a = IdxReader.readImages(plain);
        IdxReader.Images b = IdxReader.readImages(gz);
        assertEquals(3, a.count());
        assertEquals(4, a.pixelsPerImage());
        assertArrayEquals(a.pixels(), b.pixels());
        for (int i = 0; i < 12; i++) {
            assertEquals(((i * 37) & 0xFF) / 255f, a.pixels()[i], 0f, "pixel " + i);
        }
        Path lab = write("l.gz", gzip(labels(IdxReader.MAGIC_LABELS, 3, 2, 0, 1)));
        assertArrayEquals(new int[] {2, 0, 1}, IdxReader.readLabels(lab));
        Dataset d = IdxReader.load("t", plain, lab, 0, null);
        assertEquals(3, d.classes());
        assertEquals(4, d.features());
    }

    @Test
    void wrongMagicNamesTheFileAndBothNumbers() throws IOException {
        Path lab = write("labels-as-images", labels(IdxReader.MAGIC_LABELS, 2, 1, 2));
        DatasetException e = assertThrows(DatasetException.class, () -> IdxReader.readImages(lab));
        assertTrue(e.getMessage().contains(lab.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("0x00000801") && e.getMessage().contains("0x00000803"), e.getMessage());
        Path im = write("images-as-labels", images(IdxReader.MAGIC_IMAGES, 1, 1, 1, 1));
        DatasetException e2 = assertThrows(DatasetException.class, () -> IdxReader.readLabels(im));
        assertTrue(e2.getMessage().contains("wrong magic number"), e2.getMessage());
        Path junk = write("junk", new byte[] {1, 2, 3, 4, 0, 0, 0, 0});
        assertThrows(DatasetException.class, () -> IdxReader.readLabels(junk));
    }

    @Test
    void truncatedFilesAreRejected() throws IOException {
        Path shortData = write("short", images(IdxReader.MAGIC_IMAGES, 3, 2, 2, 11));
        DatasetException e = assertThrows(DatasetException.class, () -> IdxReader.readImages(shortData));
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains(shortData.toString()),
                e.getMessage());
        Path shortHeader = write("header", new byte[] {0, 0, 8, 3, 0, 0});
        assertTrue(assertThrows(DatasetException.class, () -> IdxReader.readImages(shortHeader)).getMessage()
                .contains("too short for its header"));
        byte[] gz = gzip(images(IdxReader.MAGIC_IMAGES, 3, 2, 2, 12));
        Path cutGzip = write("cut.gz", Arrays.copyOf(gz, gz.length - 12));
        DatasetException e3 = assertThrows(DatasetException.class, () -> IdxReader.readImages(cutGzip));
        assertTrue(e3.getMessage().contains(cutGzip.toString()), e3.getMessage());
        Path labelsShort = write("labels-short", labels(IdxReader.MAGIC_LABELS, 5, 1, 2));
        assertTrue(assertThrows(DatasetException.class, () -> IdxReader.readLabels(labelsShort)).getMessage()
                .contains("truncated"));
    }

    @Test
    void trailingBytesAreRejected() throws IOException {
        Path p = write("long", images(IdxReader.MAGIC_IMAGES, 1, 2, 2, 5));
        assertTrue(assertThrows(DatasetException.class, () -> IdxReader.readImages(p)).getMessage()
                .contains("header is wrong"));
    }

    @Test
    void mismatchedCountsNameBothFiles() throws IOException {
        Path im = write("im", images(IdxReader.MAGIC_IMAGES, 3, 2, 2, 12));
        Path lab = write("lab", labels(IdxReader.MAGIC_LABELS, 2, 0, 1));
        DatasetException e = assertThrows(DatasetException.class, () -> IdxReader.load("x", im, lab, 0, null));
        assertTrue(e.getMessage().contains(im.toString()) && e.getMessage().contains(lab.toString()),
                e.getMessage());
        assertTrue(e.getMessage().contains("3 images") && e.getMessage().contains("2 labels"), e.getMessage());
    }

    @Test
    void missingFileAndDirectory() {
        Path missing = dir.resolve("nope");
        assertTrue(assertThrows(DatasetException.class, () -> IdxReader.readLabels(missing)).getMessage()
                .contains("does not exist"));
        assertTrue(assertThrows(DatasetException.class, () -> IdxReader.loadDirectory(dir, "d", null)).getMessage()
                .contains("train-images"));
    }

    @Test
    void loadsAnMnistStyleDirectoryThroughDataSources() throws IOException {
        write("train-images-idx3-ubyte.gz", gzip(images(IdxReader.MAGIC_IMAGES, 4, 2, 3, 24)));
        write("train-labels-idx1-ubyte.gz", gzip(labels(IdxReader.MAGIC_LABELS, 4, 0, 1, 2, 1)));
        write("t10k-images-idx3-ubyte", images(IdxReader.MAGIC_IMAGES, 2, 2, 3, 12));
        write("t10k-labels-idx1-ubyte", labels(IdxReader.MAGIC_LABELS, 2, 2, 0));
        DataSplit split = DataSources.load(dir.toString(), 1);
        assertEquals(4, split.train().rows());
        assertEquals(2, split.test().rows());
        assertEquals(6, split.train().features());
        assertEquals(3, split.test().classes());
        assertArrayEquals(new int[] {2, 0}, split.test().y());
    }

    @Test
    void testImagesOfAnotherSizeAreRejected() throws IOException {
        write("train-images-idx3-ubyte", images(IdxReader.MAGIC_IMAGES, 1, 2, 3, 6));
        write("train-labels-idx1-ubyte", labels(IdxReader.MAGIC_LABELS, 1, 0));
        write("t10k-images-idx3-ubyte", images(IdxReader.MAGIC_IMAGES, 1, 3, 3, 9));
        write("t10k-labels-idx1-ubyte", labels(IdxReader.MAGIC_LABELS, 1, 0));
        assertTrue(assertThrows(DatasetException.class, () -> IdxReader.loadDirectory(dir, "d", null))
                .getMessage().contains("pixels per image"));
    }

    /** The real Fashion-MNIST files, when Debian's dataset-fashion-mnist is installed (skipped, not passed, else). */
    @Test
    void readsDebianFashionMnistWhenInstalled() {
        Assumptions.assumeTrue(Files.isDirectory(Path.of(DataSources.FASHION_MNIST_DIR)),
                "dataset-fashion-mnist is not installed");
        DataSplit split = DataSources.load(DataSources.FASHION_MNIST, 0);
        assertEquals(60000, split.train().rows());
        assertEquals(10000, split.test().rows());
        assertEquals(784, split.train().features());
        assertEquals(10, split.train().classes());
        assertEquals("Ankle boot", split.train().classNames().get(9));
        for (int c : split.train().classCounts()) {
            assertEquals(6000, c);
        }
    }
}
