package io.kiln.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvReaderTest {
    @TempDir
    Path dir;

    Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void readsHeaderNumericLabelsCommentsAndBlankLines() throws IOException {
        Path p = write("a.csv", "label,x,y\n# comment\n1, 0.5, 2\n\n0,-1,3e-1\n2,4,5\n");
        CsvReader.Table t = new CsvReader().readTable(p);
        assertNotNull(t.header());
        Dataset d = new CsvReader().read(p);
        assertEquals(3, d.rows());
        assertEquals(2, d.features());
        assertEquals(3, d.classes());
        assertArrayEquals(new int[] {1, 0, 2}, d.y());
        assertArrayEquals(new float[] {0.5f, 2f, -1f, 0.3f, 4f, 5f}, d.x());
    }

    @Test
    void stringLabelsInTheLastColumnBecomeSortedClasses() throws IOException {
        Path p = write("iris.csv", "1,2,setosa\n3,4,virginica\n5,6,\"setosa\"\n7,8,versicolor\n");
        Dataset d = new CsvReader(-1, ',').read(p);
        assertEquals(List.of("setosa", "versicolor", "virginica"), d.classNames());
        assertArrayEquals(new int[] {0, 2, 0, 1}, d.y());
        assertNull(new CsvReader(-1, ',').readTable(p).header());
    }

    @Test
    void trainAndTestShareOneClassIndex() throws IOException {
        Path tr = write("train.csv", "b,1\na,2\n");
        Path te = write("test.csv", "c,3\n");
        DataSplit s = new CsvReader().readSplit("s", tr, te);
        assertEquals(3, s.train().classes());
        assertArrayEquals(new int[] {2}, s.test().y());
    }

    @Test
    void errorsNameFileLineAndColumn() throws IOException {
        Path bad = write("bad.csv", "0,1,2\n1,x,3\n");
        DatasetException e = assertThrows(DatasetException.class, () -> new CsvReader().read(bad));
        assertTrue(e.getMessage().contains(bad.toString()) && e.getMessage().contains("line 2")
                && e.getMessage().contains("column 2") && e.getMessage().contains("'x'"), e.getMessage());
        Path ragged = write("ragged.csv", "0,1,2\n1,2\n");
        assertTrue(assertThrows(DatasetException.class, () -> new CsvReader().read(ragged)).getMessage()
                .contains("line 2: 2 fields"));
        Path empty = write("empty.csv", "# nothing\n\n");
        assertTrue(assertThrows(DatasetException.class, () -> new CsvReader().read(empty)).getMessage()
                .contains("no data lines"));
        Path oneCol = write("one.csv", "1\n2\n");
        assertTrue(assertThrows(DatasetException.class, () -> new CsvReader().read(oneCol)).getMessage()
                .contains("need a label column"));
        Path ok = write("ok.csv", "0,1\n");
        assertTrue(assertThrows(DatasetException.class, () -> new CsvReader(5, ',').read(ok)).getMessage()
                .contains("label column 5"));
        Path onlyHeader = write("h.csv", "label,a\n");
        assertTrue(assertThrows(DatasetException.class, () -> new CsvReader().read(onlyHeader)).getMessage()
                .contains("header but no data"));
        assertTrue(assertThrows(DatasetException.class, () -> new CsvReader().read(dir.resolve("missing.csv")))
                .getMessage().contains("does not exist"));
    }

    @Test
    void aSingleCsvFileIsSplitAndStandardizedWithTrainingStatistics() throws IOException {
        StringBuilder sb = new StringBuilder("y,a,b\n");
        for (int i = 0; i < 50; i++) {
            sb.append(i % 2).append(',').append(i).append(',').append(100 + 2 * i).append('\n');
        }
        Path p = write("data.csv", sb.toString());
        DataSplit s = DataSources.load(p.toString(), 7);
        assertEquals(40, s.train().rows());
        assertEquals(10, s.test().rows());
        for (int j = 0; j < 2; j++) {
            double sum = 0;
            double sq = 0;
            for (int r = 0; r < 40; r++) {
                double v = s.train().x()[r * 2 + j];
                sum += v;
                sq += v * v;
            }
            assertEquals(0, sum / 40, 1e-5);
            assertEquals(1, sq / 40, 1e-4);
        }
    }

    @Test
    void unknownDataSpecIsNamed() {
        DatasetException e = assertThrows(DatasetException.class,
                () -> DataSources.load(dir.resolve("nothing-here").toString(), 0));
        assertTrue(e.getMessage().contains("nothing-here"), e.getMessage());
    }
}
