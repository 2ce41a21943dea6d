package io.kiln.backend.simd;

import io.kiln.core.InvalidArgumentException;

/**
 * Block sizes of the SIMD GEMM (BLIS naming): an {@code mr × nr} register tile computed by one micro-kernel call,
 * A packed in {@code mc × kc} blocks (kept in L2), B packed in {@code kc × nc} panels (L3), one {@code kc × nr} B
 * micro-panel streamed from L1. {@code nr} is in floats and must be a whole number of vectors of the preferred
 * species; {@code (mr, nr)} must have a micro-kernel ({@link GemmMicroKernels#SHAPES}); {@code mc} a multiple of
 * {@code mr}; {@code nc} a multiple of {@code nr}.
 *
 * <p>{@code directMaxWork}: products with {@code m·n·k} at most this run unpacked (a register-blocked loop over the
 * operands as they lie), below the size where packing pays for itself. {@code parallelMinFlops}: products below
 * this many FLOPs stay on the calling thread.
 */
public record GemmBlocking(int mr, int nr, int mc, int kc, int nc, long directMaxWork, long parallelMinFlops) {

    public GemmBlocking {
        int lanes = Lanes.L;
        if (mr <= 0 || nr <= 0 || mc <= 0 || kc <= 0 || nc <= 0 || directMaxWork < 0 || parallelMinFlops < 0) {
            throw new InvalidArgumentException("GemmBlocking: sizes must be > 0, got " + describe(mr, nr, mc, kc, nc));
        }
        if (nr % lanes != 0 || !GemmMicroKernels.supports(mr, nr / lanes)) {
            StringBuilder sb = new StringBuilder();
            for (int[] s : GemmMicroKernels.SHAPES) {
                sb.append(sb.isEmpty() ? "" : ", ").append(s[0]).append('x').append(s[1] * lanes);
            }
            throw new InvalidArgumentException("GemmBlocking: no micro-kernel for mr x nr = " + mr + "x" + nr
                    + " with " + lanes + " float lanes; available: " + sb);
        }
        if (mc % mr != 0 || nc % nr != 0) {
            throw new InvalidArgumentException("GemmBlocking: mc must be a multiple of mr and nc of nr, got "
                    + describe(mr, nr, mc, kc, nc));
        }
    }

    /**
     * The defaults for 16 float lanes (AVX-512; Xeon Sapphire/Emerald Rapids class: 48 KiB L1d, 2 MiB L2 per core):
     * a 12 × 32 register tile (24 accumulators + 2 B vectors + 1 A broadcast = 27 of the 32 zmm registers; per k
     * step 2 vector loads and 12 broadcasts feed 24 FMAs), kc = 256 (the B micro-panel, 32 KiB, stays in L1 while A
     * micro-panels stream from L2), mc = 144 (a 144 KiB A block in L2), nc = 3072 (B panel in L2/L3).
     * {@code GemmSweepBench} (bench/README.md) holds the sweep; on the shared machine it was measured on its spread
     * was wider than the differences between the better tiles (12×32, 8×48, 14×16), so 12×32 was kept for its
     * register budget and lowest load-to-FMA ratio among tiles with 2 B vectors. Other widths get the same tile
     * shape in vectors with untuned cache blocks.
     */
    public static GemmBlocking defaults() {
        int lanes = Lanes.L;
        if (lanes == 16) {
            return new GemmBlocking(12, 32, 144, 256, 3072, 24L * 24 * 24, 3_000_000L);
        }
        // narrower machines (AVX2: 8 lanes; NEON/SSE: 4): same tile in vectors, untuned block sizes
        return new GemmBlocking(6, 2 * lanes, 96, 256, 2048, 24L * 24 * 24, 3_000_000L);
    }

    private static String describe(int mr, int nr, int mc, int kc, int nc) {
        return "mr=" + mr + " nr=" + nr + " mc=" + mc + " kc=" + kc + " nc=" + nc;
    }

    @Override
    public String toString() {
        return describe(mr, nr, mc, kc, nc) + " direct<=" + directMaxWork + " parallel>=" + parallelMinFlops;
    }
}
