package io.kiln.backend.opencl;

import static org.jocl.CL.CL_PROGRAM_BUILD_LOG;
import static org.jocl.CL.clBuildProgram;
import static org.jocl.CL.clCreateKernel;
import static org.jocl.CL.clCreateProgramWithSource;
import static org.jocl.CL.clGetProgramBuildInfo;
import static org.jocl.CL.clReleaseKernel;
import static org.jocl.CL.clReleaseProgram;

import io.kiln.core.KernelBuildException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.cl_context;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_program;

/**
 * Built OpenCL programs of one context and device, keyed by the SHA-256 of (source, build options), so each
 * distinct program is compiled once per backend; and the kernel objects created from them, one per (program,
 * kernel name), reused for every launch (their arguments are set under the backend's lock). Kernel sources are
 * class-path resources {@code kernels/<file>.cl}, prefixed with {@code kernels/common.cl}.
 *
 * <p>On PoCL a cold build of a family takes about a second and a warm one (PoCL's own on-disk cache) tens of
 * milliseconds; the backend builds each family lazily on first use.
 */
final class ProgramCache implements AutoCloseable {
    private static final Map<String, String> SOURCES = new ConcurrentHashMap<>();

    private final cl_context context;
    private final cl_device_id device;
    private final String deviceName;
    private final Map<String, cl_program> programs = new LinkedHashMap<>();
    private final Map<String, cl_kernel> kernels = new LinkedHashMap<>();
    private long buildNanos;
    private int builds;

    ProgramCache(cl_context context, cl_device_id device, String deviceName) {
        this.context = context;
        this.device = device;
        this.deviceName = deviceName;
    }

    /** The text of class-path resource {@code kernels/<file>}. */
    static String resource(String file) {
        return SOURCES.computeIfAbsent(file, f -> {
            String path = "kernels/" + f;
            try (InputStream in = ProgramCache.class.getClassLoader().getResourceAsStream(path)) {
                if (in == null) {
                    throw new KernelBuildException("opencl: kernel source " + path + " is not on the class path");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new KernelBuildException("opencl: cannot read kernel source " + path + ": " + e, e);
            }
        });
    }

    /** Source of a kernel family: common.cl followed by {@code <family>.cl}. */
    static String familySource(String family) {
        return resource("common.cl") + "\n#line 1 \"" + family + ".cl\"\n" + resource(family + ".cl");
    }

    static String key(String source, String options) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(source.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(options.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The program for (source, options), building it on first use. {@code label} names it in errors. */
    synchronized cl_program program(String label, String source, String options) {
        String key = key(source, options);
        cl_program p = programs.get(key);
        if (p == null) {
            p = build(label, source, options);
            programs.put(key, p);
        }
        return p;
    }

    /** The kernel {@code name} of the program for (source, options). */
    synchronized cl_kernel kernel(String label, String source, String options, String name) {
        String key = key(source, options) + "#" + name;
        cl_kernel k = kernels.get(key);
        if (k == null) {
            cl_program p = program(label, source, options);
            try {
                k = clCreateKernel(p, name, null);
            } catch (CLException e) {
                throw new KernelBuildException("opencl: program " + label + " has no kernel '" + name + "' ("
                        + e.getMessage() + ")", e);
            }
            kernels.put(key, k);
        }
        return k;
    }

    private cl_program build(String label, String source, String options) {
        long t0 = System.nanoTime();
        cl_program p;
        try {
            p = clCreateProgramWithSource(context, 1, new String[]{source}, null, null);
        } catch (CLException e) {
            throw new KernelBuildException("opencl: creating program " + label + " failed: " + e.getMessage(), e);
        }
        try {
            clBuildProgram(p, 1, new cl_device_id[]{device}, options, null, null);
        } catch (CLException e) {
            String log = buildLog(p);
            clReleaseProgram(p);
            throw new KernelBuildException("opencl: building program " + label + " for " + deviceName + " failed ("
                    + e.getMessage() + ") with options '" + options + "'; build log:\n" + log, e);
        }
        buildNanos += System.nanoTime() - t0;
        builds++;
        return p;
    }

    private String buildLog(cl_program p) {
        try {
            long[] size = new long[1];
            clGetProgramBuildInfo(p, device, CL_PROGRAM_BUILD_LOG, 0, null, size);
            byte[] buf = new byte[(int) size[0]];
            clGetProgramBuildInfo(p, device, CL_PROGRAM_BUILD_LOG, buf.length, Pointer.to(buf), null);
            int n = buf.length;
            while (n > 0 && buf[n - 1] == 0) {
                n--;
            }
            String log = new String(buf, 0, n, StandardCharsets.UTF_8).strip();
            return log.isEmpty() ? "(empty)" : log;
        } catch (CLException e) {
            return "(build log unavailable: " + e.getMessage() + ")";
        }
    }

    /** Programs built so far and the wall time spent building them. */
    synchronized String stats() {
        return builds + " program builds, " + (buildNanos / 1_000_000) + " ms";
    }

    synchronized int size() {
        return programs.size();
    }

    @Override
    public synchronized void close() {
        for (cl_kernel k : kernels.values()) {
            clReleaseKernel(k);
        }
        kernels.clear();
        for (cl_program p : programs.values()) {
            clReleaseProgram(p);
        }
        programs.clear();
    }
}
