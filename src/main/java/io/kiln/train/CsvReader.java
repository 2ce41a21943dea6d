package io.kiln.train;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads a classification CSV: one example per line, one column is the label, every other column a numeric feature.
 * An optional header line is recognised when any of its feature fields is not a number. Blank lines and lines
 * starting with {@code #} are skipped. Labels that are all non-negative integers are used as class ids directly
 * (classes = largest + 1); otherwise each distinct label string becomes a class, in sorted order.
 *
 * <p>Errors are {@link DatasetException}s naming the file and line: a field that is not a number, a line with the
 * wrong number of fields, a label column out of range, an empty file.
 */
public final class CsvReader {
    private final int labelColumn;
    private final char delimiter;

    /**
     * @param labelColumn index of the label column; negative counts from the end (−1 is the last column)
     * @param delimiter   field separator, usually ','
     */
    public CsvReader(int labelColumn, char delimiter) {
        this.labelColumn = labelColumn;
        this.delimiter = delimiter;
    }

    /** Label in the first column, comma-separated. */
    public CsvReader() {
        this(0, ',');
    }

    /** The raw content of a CSV file: features and label strings, before labels become class ids. */
    public record Table(Path file, float[] x, List<String> labels, int features, List<String> header) {
        public int rows() {
            return labels.size();
        }
    }

    /** Reads a file into a {@link Table}. */
    public Table readTable(Path file) {
        List<String[]> lines = new ArrayList<>();
        List<Integer> lineNumbers = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                lines.add(split(t));
                lineNumbers.add(number);
            }
        } catch (NoSuchFileException e) {
            throw new DatasetException("CSV file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new DatasetException("cannot read CSV file " + file + ": " + e.getMessage(), e);
        }
        if (lines.isEmpty()) {
            throw new DatasetException("CSV file " + file + " has no data lines");
        }
        int columns = lines.get(0).length;
        if (columns < 2) {
            throw new DatasetException("CSV file " + file + ", line " + lineNumbers.get(0) + ": " + columns
                    + " column(s); need a label column and at least one feature");
        }
        int label = labelColumn < 0 ? columns + labelColumn : labelColumn;
        if (label < 0 || label >= columns) {
            throw new DatasetException("CSV file " + file + ": label column " + labelColumn + " is out of range for "
                    + columns + " columns");
        }
        List<String> header = null;
        int first = 0;
        if (!allFeaturesNumeric(lines.get(0), label)) {
            header = List.of(lines.get(0));
            first = 1;
        }
        int features = columns - 1;
        int rows = lines.size() - first;
        if (rows == 0) {
            throw new DatasetException("CSV file " + file + " has a header but no data lines");
        }
        float[] x = new float[rows * features];
        List<String> labels = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            String[] fields = lines.get(first + r);
            int lineNo = lineNumbers.get(first + r);
            if (fields.length != columns) {
                throw new DatasetException("CSV file " + file + ", line " + lineNo + ": " + fields.length
                        + " fields, but the first line has " + columns);
            }
            int f = 0;
            for (int c = 0; c < columns; c++) {
                if (c == label) {
                    labels.add(fields[c].strip());
                    continue;
                }
                String s = fields[c].strip();
                try {
                    x[r * features + f] = Float.parseFloat(s);
                } catch (NumberFormatException e) {
                    throw new DatasetException("CSV file " + file + ", line " + lineNo + ", column " + (c + 1)
                            + ": '" + s + "' is not a number");
                }
                f++;
            }
        }
        return new Table(file, x, labels, features, header);
    }

    /** Reads one file into a data set, with class ids from its own labels. */
    public Dataset read(Path file) {
        Table t = readTable(file);
        ClassIndex index = ClassIndex.of(List.of(t));
        return index.toDataset(file.getFileName().toString(), t);
    }

    /** Reads a train file and a test file whose labels share one class index. */
    public DataSplit readSplit(String name, Path trainFile, Path testFile) {
        Table train = readTable(trainFile);
        Table test = readTable(testFile);
        if (train.features() != test.features()) {
            throw new DatasetException("CSV files disagree: " + trainFile + " has " + train.features()
                    + " features but " + testFile + " has " + test.features());
        }
        ClassIndex index = ClassIndex.of(List.of(train, test));
        return new DataSplit(name, index.toDataset(name + "/train", train), index.toDataset(name + "/test", test),
                "CSV files " + trainFile + " and " + testFile);
    }

    private String[] split(String line) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) == delimiter) {
                out.add(unquote(line.substring(start, i)));
                start = i + 1;
            }
        }
        out.add(unquote(line.substring(start)));
        return out.toArray(new String[0]);
    }

    private static String unquote(String s) {
        String t = s.strip();
        if (t.length() >= 2 && t.charAt(0) == '"' && t.charAt(t.length() - 1) == '"') {
            return t.substring(1, t.length() - 1);
        }
        return t;
    }

    private static boolean allFeaturesNumeric(String[] fields, int label) {
        for (int c = 0; c < fields.length; c++) {
            if (c != label && !isNumber(fields[c])) {
                return false;
            }
        }
        return true;
    }

    private static boolean isNumber(String s) {
        try {
            Float.parseFloat(s.strip());
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Maps label strings to class ids: integers directly when all are non-negative integers, else sorted names. */
    record ClassIndex(Map<String, Integer> ids, List<String> names, boolean numeric) {
        static ClassIndex of(List<Table> tables) {
            boolean numeric = true;
            int max = -1;
            TreeSet<String> distinct = new TreeSet<>();
            for (Table t : tables) {
                for (String label : t.labels()) {
                    distinct.add(label);
                    if (numeric) {
                        try {
                            int v = Integer.parseInt(label);
                            if (v < 0 || v > 1_000_000) {
                                numeric = false;
                            } else {
                                max = Math.max(max, v);
                            }
                        } catch (NumberFormatException e) {
                            numeric = false;
                        }
                    }
                }
            }
            Map<String, Integer> ids = new TreeMap<>();
            List<String> names = new ArrayList<>();
            if (numeric) {
                for (int i = 0; i <= max; i++) {
                    names.add(Integer.toString(i));
                }
                for (String label : distinct) {
                    ids.put(label, Integer.parseInt(label));
                }
            } else {
                for (String label : distinct) {
                    ids.put(label, names.size());
                    names.add(label);
                }
            }
            return new ClassIndex(ids, names, numeric);
        }

        Dataset toDataset(String name, Table t) {
            int[] y = new int[t.rows()];
            for (int i = 0; i < y.length; i++) {
                y[i] = ids.get(t.labels().get(i));
            }
            return new Dataset(name, t.x(), y, t.features(), names.size(), names);
        }
    }
}
