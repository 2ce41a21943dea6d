package io.kiln.profile;

import java.util.Locale;

/**
 * The sizes every kernel runs at. Row-shaped tensors are {@code rows × 1024}; GEMM is square.
 *
 * <pre>
 *   size     elements (rows x 1024)        per tensor   GEMM     batched GEMM
 *   small    4 x 1024 = 4 Ki               16 KiB       64^3     4 x 32^3
 *   cache    64 x 1024 = 64 Ki             256 KiB      256^3    8 x 96^3     (working set in a 2 MiB L2)
 *   memory   16384 x 1024 = 16 Mi          64 MiB       1024^3   8 x 384^3    (working set well past what this
 *            (--quick: 4096 x 1024, 16 MiB)             (512^3)  (8 x 192^3)   guest gets of the L3)
 * </pre>
 */
public enum SizeClass {
    SMALL("small", 4, 4, 64, 64, 4, 32, 32),
    CACHE("cache", 64, 64, 256, 256, 8, 96, 96),
    MEMORY("memory", 16384, 4096, 1024, 512, 8, 384, 192);

    public static final int COLS = 1024;

    private final String label;
    private final int rows;
    private final int quickRows;
    private final int gemm;
    private final int quickGemm;
    private final int batch;
    private final int batchedGemm;
    private final int quickBatchedGemm;

    SizeClass(String label, int rows, int quickRows, int gemm, int quickGemm, int batch, int batchedGemm,
              int quickBatchedGemm) {
        this.label = label;
        this.rows = rows;
        this.quickRows = quickRows;
        this.gemm = gemm;
        this.quickGemm = quickGemm;
        this.batch = batch;
        this.batchedGemm = batchedGemm;
        this.quickBatchedGemm = quickBatchedGemm;
    }

    public String label() {
        return label;
    }

    public int rows(boolean quick) {
        return quick ? quickRows : rows;
    }

    public int elements(boolean quick) {
        return rows(quick) * COLS;
    }

    public int gemm(boolean quick) {
        return quick ? quickGemm : gemm;
    }

    public int batch() {
        return batch;
    }

    public int batchedGemm(boolean quick) {
        return quick ? quickBatchedGemm : batchedGemm;
    }

    public static SizeClass byLabel(String s) {
        for (SizeClass c : values()) {
            if (c.label.equalsIgnoreCase(s.trim())) {
                return c;
            }
        }
        throw new io.kiln.core.InvalidArgumentException("unknown size class '" + s + "'; known: small, cache, memory");
    }

    @Override
    public String toString() {
        return label.toLowerCase(Locale.ROOT);
    }
}
