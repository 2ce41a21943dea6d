package io.kiln.backend.opencl;

import io.kiln.core.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Tile parameters of the OpenCL GEMM (kernels/gemm.cl), in the manner of CLBlast's tuning parameters: a
 * work-group computes a {@code tileM x tileN} tile of C with {@code (tileM/threadM)·(tileN/threadN)} work-items,
 * each holding a {@code threadM x threadN} register tile of {@code threadN/vectorWidth} vectors per row, and the
 * K loop steps by {@code tileK} (staged through local memory when {@code localMemory}). Each distinct record is
 * its own program build, cached by the backend.
 *
 * @param tileM rows of C per work-group (multiple of threadM)
 * @param tileN columns of C per work-group (multiple of threadN)
 * @param tileK K step (the padding granule of K)
 * @param threadM rows per work-item
 * @param threadN columns per work-item (multiple of vectorWidth)
 * @param vectorWidth 1, 2, 4, 8 or 16
 * @param localMemory stage A and B slabs through local memory
 * @param kBlock K per launch (BLIS's KC; a multiple of tileK), or 0 for all of K in one launch
 * @param nBlock columns per launch (BLIS's NC; a multiple of tileN), or 0 for all of N in one launch
 */
public record GemmParams(int tileM, int tileN, int tileK, int threadM, int threadN, int vectorWidth,
                         boolean localMemory, int kBlock, int nBlock) {

    public GemmParams {
        if (tileM <= 0 || tileN <= 0 || tileK <= 0 || threadM <= 0 || threadN <= 0) {
            throw new InvalidArgumentException("GemmParams: sizes must be > 0: " + describe(tileM, tileN, tileK,
                    threadM, threadN, vectorWidth, localMemory));
        }
        if (vectorWidth != 1 && vectorWidth != 2 && vectorWidth != 4 && vectorWidth != 8 && vectorWidth != 16) {
            throw new InvalidArgumentException("GemmParams: vectorWidth must be 1, 2, 4, 8 or 16, got " + vectorWidth);
        }
        if (kBlock < 0 || kBlock % tileK != 0) {
            throw new InvalidArgumentException("GemmParams: kBlock must be 0 or a positive multiple of tileK, got "
                    + kBlock + " with tileK " + tileK);
        }
        if (nBlock < 0 || nBlock % tileN != 0) {
            throw new InvalidArgumentException("GemmParams: nBlock must be 0 or a positive multiple of tileN, got "
                    + nBlock + " with tileN " + tileN);
        }
        if (tileM % threadM != 0 || tileN % threadN != 0 || threadN % vectorWidth != 0
                || (localMemory && (tileK * tileM) % vectorWidth != 0)) {
            throw new InvalidArgumentException("GemmParams: need tileM % threadM == 0, tileN % threadN == 0, threadN "
                    + "a multiple of vectorWidth and, with local memory, tileK·tileM a multiple of vectorWidth: "
                    + describe(tileM, tileN, tileK, threadM, threadN, vectorWidth, localMemory));
        }
    }

    /**
     * Defaults for CPUs (PoCL and the like): one work-item per work-group holds a 12 x 32 block of C in sixteen-wide
     * vectors (24 accumulator registers of AVX-512), reading packed panels straight from memory (no local memory,
     * which a CPU device only emulates), K in chunks of 256 and N in blocks of 512, so a 512 KiB slab of B stays in
     * the core's L2 while the row panels of A stream past it.
     */
    public static final GemmParams CPU_DEFAULT = new GemmParams(12, 32, 8, 12, 32, 16, false, 256, 512);

    /** Defaults for GPUs: 64 x 64 tiles, 16 x 16 work-items of 4 x 4, K step 16, float4, through local memory. */
    public static final GemmParams GPU_DEFAULT = new GemmParams(64, 64, 16, 4, 4, 4, true, 0, 0);

    /**
     * Defaults for large GPUs (40+ compute units): 128 x 128 tiles, 16 x 16 work-items of 8 x 8, K step 16, float4,
     * through local memory (16 KiB per work-group): the shape CLBlast's tuner settles on for big NVIDIA parts.
     * Untuned starting values; {@link GemmTuner} measures the alternatives on the device.
     */
    public static final GemmParams LARGE_GPU_DEFAULT = new GemmParams(128, 128, 16, 8, 8, 4, true, 0, 0);

    /**
     * The defaults for a device: for CPUs, {@link #CPU_DEFAULT}'s shape at the device's preferred vector width; for
     * GPUs with 40 or more compute units, {@link #LARGE_GPU_DEFAULT}; else {@link #GPU_DEFAULT} (or, on a device too
     * small for it, a 32 x 32 tile of 2 x 2 work-items).
     */
    public static GemmParams defaultFor(OpenClDeviceInfo info) {
        if (info.isCpu()) {
            int vw = Integer.highestOneBit(Math.max(4, Math.min(16, info.preferredFloatVector())));
            return new GemmParams(12, 2 * vw, 8, 12, 2 * vw, vw, false, 256, 16 * 2 * vw);
        }
        if (info.computeUnits() >= 40 && LARGE_GPU_DEFAULT.fits(info)) {
            return LARGE_GPU_DEFAULT;
        }
        if (GPU_DEFAULT.fits(info)) {
            return GPU_DEFAULT;
        }
        return new GemmParams(32, 32, 8, 2, 2, 2, true, 0, 0);
    }

    /** Work-items per work-group. */
    public int workGroupSize() {
        return (tileM / threadM) * (tileN / threadN);
    }

    /** Local memory bytes per work-group when {@link #localMemory()}. */
    public long localBytes() {
        return localMemory ? 4L * tileK * (tileM + tileN) : 0;
    }

    /** Whether a device can run these parameters (work-group size and local memory within its limits). */
    public boolean fits(OpenClDeviceInfo info) {
        return workGroupSize() <= info.maxWorkGroupSize() && localBytes() <= info.localMemBytes();
    }

    /** Preprocessor definitions for kernels/gemm.cl. */
    String buildDefines() {
        return String.format(Locale.ROOT, "-DTILE_M=%d -DTILE_N=%d -DTILE_K=%d -DTHREAD_M=%d -DTHREAD_N=%d -DVW=%d "
                + "-DUSE_LOCAL=%d", tileM, tileN, tileK, threadM, threadN, vectorWidth, localMemory ? 1 : 0);
    }

    /**
     * Candidates the tuner sweeps on a device, the likeliest first (the tuner may stop on a time budget): register
     * tiles and N/K blocks around the default for CPUs; tile, register-tile, K-step, vector-width and local-memory
     * combinations for GPUs. Only those that fit the device.
     */
    public static List<GemmParams> candidates(OpenClDeviceInfo info) {
        List<GemmParams> out = new ArrayList<>();
        if (info.isCpu()) {
            int vw = Integer.highestOneBit(Math.max(4, Math.min(16, info.preferredFloatVector())));
            int[][] tiles = {{4, 2}, {6, 2}, {8, 2}, {12, 2}, {14, 2}, {8, 1}, {16, 1}, {4, 4}, {6, 4}, {8, 3}};
            for (int[] t : tiles) {
                int tn = t[1] * vw;
                for (int kb : new int[]{128, 256, 512}) {
                    for (int nb : new int[]{0, 256, 512, 1024}) {
                        if (nb % tn == 0) {
                            out.add(new GemmParams(t[0], tn, 8, t[0], tn, vw, false, kb, nb));
                        }
                    }
                }
            }
            // Unblocked, a multi-item work-group and narrower vectors.
            out.add(new GemmParams(12, 2 * vw, 8, 12, 2 * vw, vw, false, 0, 0));
            out.add(new GemmParams(24, 4 * vw, 8, 12, 2 * vw, vw, false, 256, 512));
            if (vw > 4) {
                out.add(new GemmParams(12, 4 * (vw / 2), 8, 12, 4 * (vw / 2), vw / 2, false, 256, 512));
            }
        } else {
            int[] tileSizes = {64, 128, 32};
            int[][] threads = {{4, 4}, {8, 4}, {4, 8}, {8, 8}, {2, 2}};
            for (int tile : tileSizes) {
                for (int[] th : threads) {
                    for (int tk : new int[]{16, 8}) {
                        for (int vw : new int[]{4, 2}) {
                            for (boolean local : new boolean[]{true, false}) {
                                if (th[1] % vw != 0) {
                                    continue;
                                }
                                GemmParams p = new GemmParams(tile, tile, tk, th[0], th[1], vw, local, 0, 0);
                                int wg = p.workGroupSize();
                                if (wg >= 32 && wg <= 512) {
                                    out.add(p);
                                }
                            }
                        }
                    }
                }
            }
        }
        out.removeIf(p -> !p.fits(info));
        return out;
    }

    @Override
    public String toString() {
        return describe(tileM, tileN, tileK, threadM, threadN, vectorWidth, localMemory)
                + (kBlock > 0 ? ", K blocks of " + kBlock : "") + (nBlock > 0 ? ", N blocks of " + nBlock : "");
    }

    private static String describe(int tileM, int tileN, int tileK, int threadM, int threadN, int vw,
                                   boolean local) {
        return String.format(Locale.ROOT, "tile %dx%dx%d, thread %dx%d, float%d, %s", tileM, tileN, tileK, threadM,
                threadN, vw, local ? "local memory" : "global memory");
    }
}
