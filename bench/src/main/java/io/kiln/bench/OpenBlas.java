package io.kiln.bench;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The OpenBLAS peer of the benchmarks, through JavaCPP's bundled {@code libopenblas} (test scope only). Thread count
 * via {@code blas_set_num_threads}; the core name OpenBLAS picked (its dynamic-arch kernel) via
 * {@code openblas_get_corename}, looked up with the FFM API since JavaCPP does not map it. Run with
 * {@code OPENBLAS_CORETYPE} and {@code OPENBLAS_L2_SIZE} unset so OpenBLAS detects this CPU itself.
 */
public final class OpenBlas {
    public static final int ROW_MAJOR = openblas_nolapack.CblasRowMajor;
    public static final int NO_TRANS = openblas_nolapack.CblasNoTrans;
    public static final int TRANS = openblas_nolapack.CblasTrans;

    private OpenBlas() {
    }

    /** Sets OpenBLAS's thread count. */
    public static void setThreads(int n) {
        org.bytedeco.openblas.presets.openblas_nolapack.blas_set_num_threads(n);
    }

    public static int threads() {
        return org.bytedeco.openblas.presets.openblas_nolapack.blas_get_num_threads();
    }

    /** The kernel family OpenBLAS chose for this CPU (e.g. "SapphireRapids", "SkylakeX"), or why it is unknown. */
    public static String coreName() {
        try {
            openblas_nolapack.cblas_sdot(0, new float[1], 1, new float[1], 1); // ensure the library is loaded
            MemorySegment fn = SymbolLookup.loaderLookup().find("openblas_get_corename")
                    .orElseThrow(() -> new IllegalStateException("symbol not found"));
            MethodHandle h = Linker.nativeLinker().downcallHandle(fn, FunctionDescriptor.of(ValueLayout.ADDRESS));
            MemorySegment s = (MemorySegment) h.invokeExact();
            return s.reinterpret(256).getString(0);
        } catch (Throwable e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    /** A native copy of {@code data}. */
    public static FloatPointer pointer(float[] data) {
        FloatPointer p = new FloatPointer(data.length);
        p.put(data);
        return p;
    }

    /** Row-major {@code C = alpha·op(A)·op(B) + beta·C}. */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, FloatPointer a,
                             FloatPointer b, float beta, FloatPointer c) {
        openblas_nolapack.cblas_sgemm(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k, alpha,
                a, transA ? m : k, b, transB ? k : n, beta, c, n);
    }
}
