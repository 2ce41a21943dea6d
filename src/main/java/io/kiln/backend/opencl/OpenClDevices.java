package io.kiln.backend.opencl;

import static org.jocl.CL.CL_DEVICE_AVAILABLE;
import static org.jocl.CL.CL_DEVICE_EXTENSIONS;
import static org.jocl.CL.CL_DEVICE_GLOBAL_MEM_SIZE;
import static org.jocl.CL.CL_DEVICE_LOCAL_MEM_SIZE;
import static org.jocl.CL.CL_DEVICE_LOCAL_MEM_TYPE;
import static org.jocl.CL.CL_DEVICE_MAX_CLOCK_FREQUENCY;
import static org.jocl.CL.CL_DEVICE_MAX_COMPUTE_UNITS;
import static org.jocl.CL.CL_DEVICE_MAX_MEM_ALLOC_SIZE;
import static org.jocl.CL.CL_DEVICE_MAX_WORK_GROUP_SIZE;
import static org.jocl.CL.CL_DEVICE_NAME;
import static org.jocl.CL.CL_DEVICE_NATIVE_VECTOR_WIDTH_FLOAT;
import static org.jocl.CL.CL_DEVICE_OPENCL_C_VERSION;
import static org.jocl.CL.CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT;
import static org.jocl.CL.CL_DEVICE_PROFILING_TIMER_RESOLUTION;
import static org.jocl.CL.CL_DEVICE_SINGLE_FP_CONFIG;
import static org.jocl.CL.CL_DEVICE_TYPE;
import static org.jocl.CL.CL_DEVICE_TYPE_ACCELERATOR;
import static org.jocl.CL.CL_DEVICE_TYPE_ALL;
import static org.jocl.CL.CL_DEVICE_TYPE_CPU;
import static org.jocl.CL.CL_DEVICE_TYPE_GPU;
import static org.jocl.CL.CL_DEVICE_VENDOR;
import static org.jocl.CL.CL_DEVICE_VERSION;
import static org.jocl.CL.CL_DRIVER_VERSION;
import static org.jocl.CL.CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT;
import static org.jocl.CL.CL_LOCAL;
import static org.jocl.CL.CL_PLATFORM_NAME;
import static org.jocl.CL.CL_PLATFORM_VERSION;
import static org.jocl.CL.clGetDeviceIDs;
import static org.jocl.CL.clGetDeviceInfo;
import static org.jocl.CL.clGetPlatformIDs;
import static org.jocl.CL.clGetPlatformInfo;

import io.kiln.core.BackendUnavailableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/**
 * Discovers OpenCL platforms and devices through JOCL, once per process, and never throws: when there is no ICD
 * loader ({@code libOpenCL.so.1}), no platform, or no device, {@link #unavailableReason()} says what is missing and
 * how to install it, and {@link #list()} is empty.
 *
 * <p>PoCL note: PoCL's CPU device needs a writable kernel cache ({@code $POCL_CACHE_DIR}, else
 * {@code $XDG_CACHE_HOME/pocl}, else {@code $HOME/.cache/pocl}); without one it reports zero devices. A JVM cannot
 * set its own environment, so set {@code POCL_CACHE_DIR} before starting Java (Kiln's Maven build does it for tests
 * and benchmarks); the reason text below names the directory PoCL would use and whether it is writable.
 */
public final class OpenClDevices {
    /** System property choosing the device: its index in {@link #list()} or a substring of its name. */
    public static final String DEVICE_PROPERTY = "kiln.opencl.device";

    static final String INSTALL_HINT = "install an OpenCL driver: `apt-get install ocl-icd-libopencl1 "
            + "pocl-opencl-icd` (CPU, PoCL) or your GPU vendor's OpenCL driver (NVIDIA, AMD ROCm, Intel compute "
            + "runtime)";

    /** A discovered device with its JOCL handles. */
    record Handle(OpenClDeviceInfo info, cl_platform_id platform, cl_device_id device) {
    }

    private record Discovery(List<Handle> handles, String problem) {
    }

    private static volatile Discovery discovery;

    private OpenClDevices() {
    }

    /** Every device of every platform, in platform order; empty when OpenCL is unavailable. */
    public static List<OpenClDeviceInfo> list() {
        return discover().handles.stream().map(Handle::info).toList();
    }

    /** Empty when at least one device is usable; else what is missing and how to fix it. */
    public static Optional<String> unavailableReason() {
        return Optional.ofNullable(discover().problem);
    }

    /** Lines for {@code kiln hw}: one per device, or the reason there is none. */
    public static List<String> describe() {
        Discovery d = discover();
        if (d.problem != null) {
            return List.of("OpenCL: unavailable: " + d.problem);
        }
        List<String> lines = new ArrayList<>();
        for (Handle h : d.handles) {
            lines.add("OpenCL " + h.info.summary());
        }
        return lines;
    }

    /**
     * The device named by {@code spec}: a decimal index into {@link #list()}, or a case-insensitive substring of the
     * device name (or of "platform: device"); {@code null}/blank means the first GPU, else the first device.
     */
    static Handle choose(String spec) {
        Discovery d = discover();
        if (d.problem != null) {
            throw new BackendUnavailableException("opencl: " + d.problem);
        }
        if (spec == null || spec.isBlank()) {
            for (Handle h : d.handles) {
                if (h.info.isGpu()) {
                    return h;
                }
            }
            return d.handles.get(0);
        }
        String s = spec.trim();
        if (s.chars().allMatch(Character::isDigit)) {
            int i = Integer.parseInt(s);
            if (i < d.handles.size()) {
                return d.handles.get(i);
            }
        } else {
            String needle = s.toLowerCase(Locale.ROOT);
            for (Handle h : d.handles) {
                String full = (h.info.platformName() + ": " + h.info.name()).toLowerCase(Locale.ROOT);
                if (full.contains(needle)) {
                    return h;
                }
            }
        }
        List<String> names = new ArrayList<>();
        for (Handle h : d.handles) {
            names.add("#" + h.info.index() + " " + h.info.name());
        }
        throw new BackendUnavailableException("opencl: -D" + DEVICE_PROPERTY + "=" + spec
                + " matches no device; devices: " + String.join(", ", names));
    }

    private static Discovery discover() {
        Discovery d = discovery;
        if (d == null) {
            synchronized (OpenClDevices.class) {
                d = discovery;
                if (d == null) {
                    d = probe();
                    discovery = d;
                }
            }
        }
        return d;
    }

    private static Discovery probe() {
        cl_platform_id[] platforms;
        try {
            CL.setExceptionsEnabled(true);
            int[] count = new int[1];
            try {
                clGetPlatformIDs(0, null, count);
            } catch (CLException e) {
                // CL_PLATFORM_NOT_FOUND_KHR: the ICD loader works but lists no vendor driver.
                return new Discovery(List.of(), noPlatform(e.getMessage()));
            }
            if (count[0] == 0) {
                return new Discovery(List.of(), noPlatform("0 platforms"));
            }
            platforms = new cl_platform_id[count[0]];
            clGetPlatformIDs(platforms.length, platforms, null);
        } catch (LinkageError e) {
            // UnsatisfiedLinkError (no libOpenCL.so / libOpenCL.so.1, or JOCL's native glue could not load for this
            // OS/architecture), or NoClassDefFoundError after such a failure in JOCL's static initializer.
            return new Discovery(List.of(), "the OpenCL runtime could not be loaded (" + e.getClass().getSimpleName()
                    + ": " + e.getMessage() + "); the ICD loader libOpenCL.so.1 is probably missing: "
                    + INSTALL_HINT);
        } catch (RuntimeException e) {
            return new Discovery(List.of(), "OpenCL platform query failed (" + e + "); " + INSTALL_HINT);
        }

        List<Handle> handles = new ArrayList<>();
        List<String> emptyPlatforms = new ArrayList<>();
        boolean pocl = false;
        for (int p = 0; p < platforms.length; p++) {
            String pname = platformString(platforms[p], CL_PLATFORM_NAME);
            String pversion = platformString(platforms[p], CL_PLATFORM_VERSION);
            pocl |= (pname + pversion).toLowerCase(Locale.ROOT).contains("pocl")
                    || pname.toLowerCase(Locale.ROOT).contains("portable computing language");
            cl_device_id[] devices;
            try {
                int[] n = new int[1];
                clGetDeviceIDs(platforms[p], CL_DEVICE_TYPE_ALL, 0, null, n);
                devices = new cl_device_id[n[0]];
                clGetDeviceIDs(platforms[p], CL_DEVICE_TYPE_ALL, devices.length, devices, null);
            } catch (CLException e) {
                emptyPlatforms.add(pname + " (" + pversion + ")");
                continue;
            }
            for (cl_device_id dev : devices) {
                try {
                    if (uint(dev, CL_DEVICE_AVAILABLE) == 0) {
                        continue;
                    }
                    handles.add(new Handle(info(handles.size(), p, pname, pversion, dev), platforms[p], dev));
                } catch (CLException e) {
                    emptyPlatforms.add(pname + " device query failed: " + e.getMessage());
                }
            }
        }
        if (handles.isEmpty()) {
            String why = "OpenCL platform(s) found but no usable device: " + String.join("; ", emptyPlatforms);
            if (pocl) {
                why += ". PoCL needs a writable kernel cache directory; " + poclCacheDiagnosis()
                        + ". Set POCL_CACHE_DIR to a writable directory before starting Java (POCL_DEBUG=all shows "
                        + "PoCL's own reason)";
            } else {
                why += ". " + INSTALL_HINT;
            }
            return new Discovery(List.of(), why);
        }
        return new Discovery(List.copyOf(handles), null);
    }

    private static String noPlatform(String detail) {
        String vendors = System.getenv("OCL_ICD_VENDORS");
        return "no OpenCL platform found (" + detail + "): the ICD loader found no vendor driver in "
                + (vendors != null ? "$OCL_ICD_VENDORS=" + vendors : "/etc/OpenCL/vendors") + "; " + INSTALL_HINT;
    }

    /** Which directory PoCL would use for its kernel cache, and whether the JVM's user can write there. */
    static String poclCacheDiagnosis() {
        String explicit = System.getenv("POCL_CACHE_DIR");
        String xdg = System.getenv("XDG_CACHE_HOME");
        String home = System.getenv("HOME");
        Path dir;
        String source;
        if (explicit != null && !explicit.isEmpty()) {
            dir = Path.of(explicit);
            source = "$POCL_CACHE_DIR";
        } else if (xdg != null && !xdg.isEmpty()) {
            dir = Path.of(xdg, "pocl");
            source = "$XDG_CACHE_HOME/pocl";
        } else if (home != null && !home.isEmpty()) {
            dir = Path.of(home, ".cache", "pocl");
            source = "$HOME/.cache/pocl";
        } else {
            return "neither POCL_CACHE_DIR, XDG_CACHE_HOME nor HOME is set";
        }
        Path existing = dir;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        String state;
        if (existing == null) {
            state = "not writable: no ancestor exists";
        } else if (!Files.isDirectory(existing)) {
            state = "not writable: " + existing + " is not a directory";
        } else if (!Files.isWritable(existing)) {
            state = "not writable by this user: " + existing + " is read-only";
        } else {
            state = "looks writable";
        }
        return "it would use " + source + " = " + dir + " (" + state + ")";
    }

    // ------------------------------------------------------------------------------------------- device queries

    private static OpenClDeviceInfo info(int index, int platformIndex, String pname, String pversion,
                                         cl_device_id d) {
        long type = ulong(d, CL_DEVICE_TYPE);
        String typeName = (type & CL_DEVICE_TYPE_GPU) != 0 ? "GPU" : (type & CL_DEVICE_TYPE_CPU) != 0 ? "CPU"
                : (type & CL_DEVICE_TYPE_ACCELERATOR) != 0 ? "ACCELERATOR" : "OTHER";
        String ext = deviceString(d, CL_DEVICE_EXTENSIONS);
        long fpConfig = ulong(d, CL_DEVICE_SINGLE_FP_CONFIG);
        return new OpenClDeviceInfo(index, platformIndex, pname, pversion, deviceString(d, CL_DEVICE_NAME),
                deviceString(d, CL_DEVICE_VENDOR), typeName, deviceString(d, CL_DEVICE_VERSION),
                deviceString(d, CL_DRIVER_VERSION), deviceString(d, CL_DEVICE_OPENCL_C_VERSION),
                uint(d, CL_DEVICE_MAX_COMPUTE_UNITS), uint(d, CL_DEVICE_MAX_CLOCK_FREQUENCY),
                ulong(d, CL_DEVICE_GLOBAL_MEM_SIZE), ulong(d, CL_DEVICE_MAX_MEM_ALLOC_SIZE),
                ulong(d, CL_DEVICE_LOCAL_MEM_SIZE), uint(d, CL_DEVICE_LOCAL_MEM_TYPE) == CL_LOCAL,
                sizeT(d, CL_DEVICE_MAX_WORK_GROUP_SIZE), uint(d, CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT),
                uint(d, CL_DEVICE_NATIVE_VECTOR_WIDTH_FLOAT), ext.contains("cl_khr_fp64"),
                (fpConfig & CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT) != 0,
                sizeT(d, CL_DEVICE_PROFILING_TIMER_RESOLUTION));
    }

    static String platformString(cl_platform_id p, int param) {
        long[] size = new long[1];
        clGetPlatformInfo(p, param, 0, null, size);
        byte[] buf = new byte[(int) size[0]];
        clGetPlatformInfo(p, param, buf.length, Pointer.to(buf), null);
        return cString(buf);
    }

    static String deviceString(cl_device_id d, int param) {
        long[] size = new long[1];
        clGetDeviceInfo(d, param, 0, null, size);
        byte[] buf = new byte[(int) size[0]];
        clGetDeviceInfo(d, param, buf.length, Pointer.to(buf), null);
        return cString(buf);
    }

    static int uint(cl_device_id d, int param) {
        int[] v = new int[1];
        clGetDeviceInfo(d, param, Sizeof.cl_uint, Pointer.to(v), null);
        return v[0];
    }

    static long ulong(cl_device_id d, int param) {
        long[] v = new long[1];
        clGetDeviceInfo(d, param, Sizeof.cl_ulong, Pointer.to(v), null);
        return v[0];
    }

    static long sizeT(cl_device_id d, int param) {
        long[] v = new long[1];
        clGetDeviceInfo(d, param, Sizeof.size_t, Pointer.to(v), null);
        return v[0];
    }

    private static String cString(byte[] buf) {
        int n = buf.length;
        while (n > 0 && buf[n - 1] == 0) {
            n--;
        }
        return new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8).trim();
    }
}
