package io.kiln.backend.opencl;

import static org.jocl.CL.CL_MEM_OBJECT_ALLOCATION_FAILURE;
import static org.jocl.CL.CL_MEM_READ_WRITE;
import static org.jocl.CL.CL_OUT_OF_HOST_MEMORY;
import static org.jocl.CL.CL_OUT_OF_RESOURCES;
import static org.jocl.CL.CL_INVALID_BUFFER_SIZE;
import static org.jocl.CL.CL_PROFILING_COMMAND_END;
import static org.jocl.CL.CL_PROFILING_COMMAND_QUEUED;
import static org.jocl.CL.CL_PROFILING_COMMAND_START;
import static org.jocl.CL.CL_QUEUE_PROFILING_ENABLE;
import static org.jocl.CL.CL_TRUE;
import static org.jocl.CL.CL_CONTEXT_PLATFORM;
import static org.jocl.CL.clCreateBuffer;
import static org.jocl.CL.clCreateContext;
import static org.jocl.CL.clEnqueueCopyBuffer;
import static org.jocl.CL.clEnqueueFillBuffer;
import static org.jocl.CL.clEnqueueNDRangeKernel;
import static org.jocl.CL.clEnqueueReadBuffer;
import static org.jocl.CL.clEnqueueWriteBuffer;
import static org.jocl.CL.clFinish;
import static org.jocl.CL.clFlush;
import static org.jocl.CL.clGetEventProfilingInfo;
import static org.jocl.CL.clReleaseCommandQueue;
import static org.jocl.CL.clReleaseContext;
import static org.jocl.CL.clReleaseEvent;
import static org.jocl.CL.clReleaseMemObject;
import static org.jocl.CL.clSetKernelArg;
import static org.jocl.CL.clWaitForEvents;

import io.kiln.core.Activation;
import io.kiln.core.AdamConfig;
import io.kiln.core.Backend;
import io.kiln.core.BinaryOp;
import io.kiln.core.Broadcast;
import io.kiln.core.Epilogue;
import io.kiln.core.FusedExpression;
import io.kiln.core.KilnException;
import io.kiln.core.MemorySpace;
import io.kiln.core.Reduction;
import io.kiln.core.SgdConfig;
import io.kiln.core.Shape;
import io.kiln.core.Tensor;
import io.kiln.core.UnaryOp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_event;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_platform_id;

/**
 * The OpenCL backend: every op of the SPI as OpenCL C kernels ({@code kernels/*.cl}) on one device, through JOCL.
 *
 * <p><b>Execution model.</b> One context and one in-order command queue per backend instance; each instance is its
 * own {@link MemorySpace}, so tensors of two instances are never mixed. Kernels are enqueued asynchronously and
 * the host waits only where the SPI hands data back: {@link #copyOut}/{@link #toArray}, the losses and norms that
 * return a float, argmax (indices to a Java array), and {@link #synchronize()}. {@link #copyIn} is a blocking write
 * (the caller's array must be read before returning, as PyTorch's pageable host-to-device copies are synchronous);
 * cross-entropy uploads its labels the same way. Ops run under the backend's lock, so the backend is safe to call
 * from several threads (their kernels interleave in the one queue).
 *
 * <p><b>Kernels.</b> Each family is one program (common.cl + family), built once per backend on first use and
 * cached by the SHA-256 of source and options ({@link ProgramCache}). Build options come from the device: the
 * elementwise vector width {@code VW} (the device's preferred float width on CPUs, 4 on GPUs), the row work-group
 * size {@code RW}, fp64 accumulation when available, and correctly rounded division and sqrt when supported.
 * GEMM tiles are a {@link GemmParams} record ({@link #gemmParams()}, {@link #setGemmParams}, {@link GemmTuner}).
 * Scratch buffers (GEMM packing, reduction partials, labels) are kept per backend and grown, never per op.
 *
 * <p><b>Error bounds</b> (each kernel file documents its own): elementwise arithmetic exact as float (division
 * correctly rounded where the device supports it); transcendentals within the OpenCL full-profile ulp bounds;
 * GEMM a float dot product with fma in k order; sums, means, norms and losses accumulate in double when the device
 * has fp64; softmax rows sum in float.
 *
 * <p><b>Profiling.</b> With {@link #setProfiling(boolean)} (or {@code -Dkiln.opencl.profile=true}) every command
 * carries an OpenCL event; {@link #drainTimings()} returns their device times and {@link #lastKernelNanos()} the
 * latest kernel's.
 */
public final class OpenClBackend extends Backend {
    public static final String PROFILE_PROPERTY = "kiln.opencl.profile";

    private static final AtomicInteger INSTANCES = new AtomicInteger();
    /** GEMMs with m·n·k at most this run on the unpacked direct kernel. */
    static final long DIRECT_GEMM_MAX_VOLUME = 64L * 64 * 64;
    /** Block edge of kernels/gemm.cl's gemm_pack. */
    private static final int PACK_BLOCK = 16;
    private static final int MAX_PENDING_EVENTS = 1_000_000;

    private final OpenClDeviceInfo info;
    private final cl_device_id device;
    private final cl_context context;
    private final cl_command_queue queue;
    private final MemorySpace memory;
    private final ProgramCache programs;
    private final Counters counters = new Counters();
    private final String baseOptions;
    private final int vw;
    private final int rw;
    private final int ewLocal;
    private final int maxReductionGroups;
    /** Work-group shape of the two-dimensional kernels without a tile of their own (direct GEMM, packing). */
    private final int[] local2d;
    private volatile GemmParams gemmParams;
    private volatile boolean closed;

    private final Scratch packA = new Scratch("gemm_pack_a");
    private final Scratch packB = new Scratch("gemm_pack_b");
    private final Scratch partials = new Scratch("partials");
    private final Scratch rowLoss = new Scratch("row_loss");
    private final Scratch ints = new Scratch("ints");
    private final Scratch scalars = new Scratch("scalars");
    private final Scratch dummy = new Scratch("dummy");

    private boolean profiling;
    private final List<Pending> pending = new ArrayList<>();
    /** (family, extra options, kernel name) to kernel: the launch path's cache in front of {@link ProgramCache}. */
    private final java.util.Map<String, cl_kernel> kernelsByName = new java.util.HashMap<>();

    /** Live tensor buffers and bytes of one backend. */
    static final class Counters {
        private final AtomicLong buffers = new AtomicLong();
        private final AtomicLong bytes = new AtomicLong();

        void tensorAllocated(long b) {
            buffers.incrementAndGet();
            bytes.addAndGet(b);
        }

        void tensorReleased(long b) {
            buffers.decrementAndGet();
            bytes.addAndGet(-b);
        }
    }

    private record Pending(String command, long[] global, long[] local, long bytes, cl_event event) {
    }

    /** The device named by {@code -Dkiln.opencl.device}, else the first GPU, else the first device. */
    public OpenClBackend() {
        this(System.getProperty(OpenClDevices.DEVICE_PROPERTY));
    }

    /** The device named by {@code deviceSpec}: an index into {@link OpenClDevices#list()} or a name substring. */
    public OpenClBackend(String deviceSpec) {
        this(OpenClDevices.choose(deviceSpec));
    }

    @SuppressWarnings("deprecation")
    OpenClBackend(OpenClDevices.Handle handle) {
        this.info = handle.info();
        this.device = handle.device();
        cl_platform_id platform = handle.platform();
        cl_context_properties props = new cl_context_properties();
        props.addProperty(CL_CONTEXT_PLATFORM, platform);
        try {
            this.context = clCreateContext(props, 1, new cl_device_id[]{device}, null, null, null);
        } catch (CLException e) {
            throw new KilnException("opencl: cannot create a context on " + info.name() + ": " + e.getMessage(), e);
        }
        try {
            // clCreateCommandQueue is the OpenCL 1.x entry point every ICD exports; profiling costs nothing
            // measurable on the devices tried, and events are requested only when profiling is on.
            this.queue = org.jocl.CL.clCreateCommandQueue(context, device, CL_QUEUE_PROFILING_ENABLE, null);
        } catch (CLException e) {
            clReleaseContext(context);
            throw new KilnException("opencl: cannot create a command queue on " + info.name() + ": "
                    + e.getMessage(), e);
        }
        this.memory = new MemorySpace("opencl:" + info.name() + "#" + INSTANCES.incrementAndGet());
        this.programs = new ProgramCache(context, device, info.name());
        int maxWg = (int) Math.min(1024, Integer.highestOneBit((int) Math.min(Integer.MAX_VALUE,
                info.maxWorkGroupSize())));
        if (info.isCpu()) {
            this.vw = Integer.highestOneBit(Math.max(4, Math.min(16, info.preferredFloatVector())));
            this.rw = Math.min(16, maxWg);
            this.ewLocal = Math.min(64, maxWg);
            this.maxReductionGroups = Math.max(4, 4 * info.computeUnits());
            this.local2d = maxWg >= 64 ? new int[]{16, 4} : new int[]{Math.min(16, maxWg), 1};
        } else {
            this.vw = 4;
            this.rw = Math.min(256, maxWg);
            this.ewLocal = Math.min(256, maxWg);
            this.maxReductionGroups = Math.max(16, 8 * info.computeUnits());
            this.local2d = maxWg >= 256 ? new int[]{16, 16}
                    : maxWg >= 16 ? new int[]{16, maxWg / 16} : new int[]{maxWg, 1};
        }
        StringBuilder opts = new StringBuilder();
        if (!info.openClCVersion().contains("1.0") && !info.openClCVersion().contains("1.1")) {
            opts.append("-cl-std=CL1.2 ");
        }
        if (info.correctlyRoundedDivSqrt()) {
            opts.append("-cl-fp32-correctly-rounded-divide-sqrt ");
        }
        if (info.fp64()) {
            opts.append("-DKILN_FP64 ");
        }
        opts.append("-DRW=").append(rw);
        this.baseOptions = opts.toString();
        this.gemmParams = GemmParams.defaultFor(info);
        this.profiling = Boolean.getBoolean(PROFILE_PROPERTY);
    }

    // ------------------------------------------------------------------------------------------------ identity

    @Override
    public String name() {
        return "opencl";
    }

    @Override
    public MemorySpace memory() {
        return memory;
    }

    @Override
    public String description() {
        return String.format(Locale.ROOT, "OpenCL %s [%s] on %s, %d compute units, %s global, float%d elementwise, "
                        + "GEMM %s", info.name(), info.type(), info.platformName(), info.computeUnits(),
                OpenClDeviceInfo.bytes(info.globalMemBytes()), vw, gemmParams);
    }

    /** The device this backend runs on. */
    public OpenClDeviceInfo device() {
        return info;
    }

    Counters counters() {
        return counters;
    }

    /** Device buffers of this backend's tensors that are still open. */
    public long liveTensorBuffers() {
        return counters.buffers.get();
    }

    /** Bytes of this backend's open tensors. */
    public long liveTensorBytes() {
        return counters.bytes.get();
    }

    /** Bytes held by the backend's own scratch buffers (GEMM packing, partials), released on {@link #close()}. */
    public synchronized long scratchBytes() {
        long b = 0;
        for (Scratch s : scratches()) {
            b += s.bytes;
        }
        return b;
    }

    /** Programs built so far and the time spent building them. */
    public String buildStats() {
        return programs.stats();
    }

    public GemmParams gemmParams() {
        return gemmParams;
    }

    /** Uses {@code params} for every later GEMM (e.g. the best of {@link GemmTuner#tune}). */
    public void setGemmParams(GemmParams params) {
        if (!params.fits(info)) {
            throw new io.kiln.core.InvalidArgumentException("opencl: GEMM parameters " + params + " need a "
                    + "work-group of " + params.workGroupSize() + " and " + params.localBytes() + " bytes of local "
                    + "memory; " + info.name() + " allows " + info.maxWorkGroupSize() + " and "
                    + info.localMemBytes());
        }
        this.gemmParams = params;
    }

    @Override
    public void synchronize() {
        ensureOpen();
        clFinish(queue);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            clFinish(queue);
        } catch (CLException ignored) {
            // Release what we can even if the queue is in an error state.
        }
        for (Pending p : pending) {
            clReleaseEvent(p.event);
        }
        pending.clear();
        for (Scratch s : scratches()) {
            s.release();
        }
        kernelsByName.clear();
        programs.close();
        clReleaseCommandQueue(queue);
        clReleaseContext(context);
    }

    private List<Scratch> scratches() {
        return List.of(packA, packB, partials, rowLoss, ints, scalars, dummy);
    }

    private void ensureOpen() {
        if (closed) {
            throw new KilnException("opencl: backend on " + info.name() + " is closed");
        }
    }

    // ---------------------------------------------------------------------------------------------- profiling

    /** Records an OpenCL event per command from now on (true) or stops (false; pending timings stay). */
    public synchronized void setProfiling(boolean on) {
        this.profiling = on;
    }

    public synchronized boolean isProfiling() {
        return profiling;
    }

    /**
     * Device timings of every command enqueued since the last drain while profiling was on, in enqueue order.
     * Waits for those commands to finish.
     */
    public synchronized List<KernelTiming> drainTimings() {
        List<KernelTiming> out = new ArrayList<>(pending.size());
        for (Pending p : pending) {
            out.add(resolve(p));
            clReleaseEvent(p.event);
        }
        pending.clear();
        return out;
    }

    /** Device time of the most recently enqueued kernel (waiting for it), or −1 when none was recorded. */
    public synchronized long lastKernelNanos() {
        for (int i = pending.size() - 1; i >= 0; i--) {
            Pending p = pending.get(i);
            if (p.global.length > 0) {
                return resolve(p).durationNs();
            }
        }
        return -1;
    }

    private KernelTiming resolve(Pending p) {
        clWaitForEvents(1, new cl_event[]{p.event});
        long[] t = new long[1];
        clGetEventProfilingInfo(p.event, CL_PROFILING_COMMAND_QUEUED, Sizeof.cl_ulong, Pointer.to(t), null);
        long queued = t[0];
        clGetEventProfilingInfo(p.event, CL_PROFILING_COMMAND_START, Sizeof.cl_ulong, Pointer.to(t), null);
        long start = t[0];
        clGetEventProfilingInfo(p.event, CL_PROFILING_COMMAND_END, Sizeof.cl_ulong, Pointer.to(t), null);
        return new KernelTiming(p.command, p.global, p.local, p.bytes, queued, start, t[0]);
    }

    private cl_event newEvent() {
        return profiling ? new cl_event() : null;
    }

    private void record(String command, long[] global, long[] local, long bytes, cl_event event) {
        if (event == null) {
            return;
        }
        if (pending.size() >= MAX_PENDING_EVENTS) {
            clReleaseEvent(pending.remove(0).event);
        }
        pending.add(new Pending(command, global, local, bytes, event));
    }

    // -------------------------------------------------------------------------------------------------- memory

    @Override
    protected synchronized Tensor newTensor(Shape shape) {
        ensureOpen();
        if (shape.size() == 0) {
            return new OpenClTensor(shape, this, null);
        }
        long bytes = 4L * shape.size();
        cl_mem mem = allocate("tensor " + shape, bytes);
        try {
            fillBuffer(mem, bytes, 0f);
        } catch (RuntimeException e) {
            clReleaseMemObject(mem);
            throw e;
        }
        counters.tensorAllocated(bytes);
        return new OpenClTensor(shape, this, mem);
    }

    /** A device buffer of {@code bytes}, or {@link OpenClOutOfMemoryException} with nothing allocated. */
    private cl_mem allocate(String what, long bytes) {
        if (bytes > info.maxAllocBytes()) {
            throw new OpenClOutOfMemoryException("opencl: " + what + " needs " + bytes + " bytes, more than "
                    + info.name() + "'s largest single allocation of " + info.maxAllocBytes() + " bytes ("
                    + OpenClDeviceInfo.bytes(info.maxAllocBytes()) + ")");
        }
        try {
            return clCreateBuffer(context, CL_MEM_READ_WRITE, bytes, null, null);
        } catch (CLException e) {
            if (isOutOfMemory(e)) {
                throw new OpenClOutOfMemoryException("opencl: " + what + ": allocating " + bytes + " bytes on "
                        + info.name() + " failed (" + e.getMessage() + "); " + liveTensorBytes()
                        + " bytes held by open tensors, " + scratchBytes() + " by scratch", e);
            }
            throw new KilnException("opencl: " + what + ": clCreateBuffer(" + bytes + ") failed: " + e.getMessage(),
                    e);
        }
    }

    static boolean isOutOfMemory(CLException e) {
        int s = e.getStatus();
        return s == CL_MEM_OBJECT_ALLOCATION_FAILURE || s == CL_OUT_OF_RESOURCES || s == CL_OUT_OF_HOST_MEMORY
                || s == CL_INVALID_BUFFER_SIZE;
    }

    /** Wraps a failed enqueue: out-of-memory codes become {@link OpenClOutOfMemoryException}. */
    private KilnException enqueueFailure(String what, CLException e) {
        if (isOutOfMemory(e)) {
            return new OpenClOutOfMemoryException("opencl: " + what + " on " + info.name() + " failed: "
                    + e.getMessage(), e);
        }
        return new KilnException("opencl: " + what + " on " + info.name() + " failed: " + e.getMessage(), e);
    }

    private void fillBuffer(cl_mem mem, long bytes, float value) {
        cl_event ev = newEvent();
        try {
            clEnqueueFillBuffer(queue, mem, Pointer.to(new float[]{value}), Sizeof.cl_float, 0, bytes, 0, null, ev);
        } catch (CLException e) {
            throw enqueueFailure("fill of " + bytes + " bytes", e);
        }
        record("fill_buffer", new long[0], new long[0], bytes, ev);
    }

    private static cl_mem mem(Tensor t) {
        return ((OpenClTensor) t).mem();
    }

    @Override
    protected synchronized void doCopyIn(float[] src, Tensor dst) {
        ensureOpen();
        if (src.length == 0) {
            return;
        }
        long bytes = 4L * src.length;
        cl_event ev = newEvent();
        try {
            clEnqueueWriteBuffer(queue, mem(dst), CL_TRUE, 0, bytes, Pointer.to(src), 0, null, ev);
        } catch (CLException e) {
            throw enqueueFailure("copy in of " + bytes + " bytes", e);
        }
        record("write_buffer", new long[0], new long[0], bytes, ev);
    }

    @Override
    protected synchronized void doCopyOut(Tensor src, float[] dst) {
        ensureOpen();
        if (dst.length == 0) {
            return;
        }
        long bytes = 4L * dst.length;
        cl_event ev = newEvent();
        try {
            clEnqueueReadBuffer(queue, mem(src), CL_TRUE, 0, bytes, Pointer.to(dst), 0, null, ev);
        } catch (CLException e) {
            throw enqueueFailure("copy out of " + bytes + " bytes", e);
        }
        record("read_buffer", new long[0], new long[0], bytes, ev);
    }

    @Override
    protected synchronized void doCopy(Tensor src, Tensor dst) {
        ensureOpen();
        if (src.size() == 0) {
            return;
        }
        long bytes = 4L * src.size();
        cl_event ev = newEvent();
        try {
            clEnqueueCopyBuffer(queue, mem(src), mem(dst), 0, 0, bytes, 0, null, ev);
        } catch (CLException e) {
            throw enqueueFailure("copy of " + bytes + " bytes", e);
        }
        record("copy_buffer", new long[0], new long[0], bytes, ev);
        flush();
    }

    @Override
    protected synchronized void doFill(Tensor dst, float value) {
        ensureOpen();
        if (dst.size() == 0) {
            return;
        }
        fillBuffer(mem(dst), 4L * dst.size(), value);
        flush();
    }

    private void flush() {
        clFlush(queue);
    }

    // ------------------------------------------------------------------------------------------ kernel launch

    /** Sets the arguments of one kernel and enqueues it; call under the backend lock. */
    final class Launch {
        private final cl_kernel kernel;
        private final String name;
        private int index;

        Launch(cl_kernel kernel, String name) {
            this.kernel = kernel;
            this.name = name;
        }

        private Launch arg(long size, Pointer p) {
            try {
                clSetKernelArg(kernel, index, size, p);
            } catch (CLException e) {
                throw new KernelLaunchException("opencl: kernel " + name + ": setting argument " + index
                        + " failed: " + e.getMessage(), e);
            }
            index++;
            return this;
        }

        Launch mem(cl_mem m) {
            return arg(Sizeof.cl_mem, Pointer.to(m));
        }

        /** A tensor's buffer; a dummy buffer for {@code null} or a zero-element tensor (never dereferenced). */
        Launch tensor(Tensor t) {
            cl_mem m = t == null ? null : OpenClBackend.mem(t);
            return mem(m != null ? m : dummy.ensure(4));
        }

        Launch i32(int v) {
            return arg(Sizeof.cl_int, Pointer.to(new int[]{v}));
        }

        Launch u64(long v) {
            return arg(Sizeof.cl_ulong, Pointer.to(new long[]{v}));
        }

        Launch f32(float v) {
            return arg(Sizeof.cl_float, Pointer.to(new float[]{v}));
        }

        Launch int8(int[] v) {
            return arg(Sizeof.cl_int8, Pointer.to(Arrays.copyOf(v, 8)));
        }

        /** Enqueues over {@code global} work-items in work-groups of {@code local} (null: the runtime chooses). */
        void run(long[] global, long[] local) {
            for (long g : global) {
                if (g < 0) {
                    // Never hand a runtime a wrapped size: PoCL aborts the process on some of them.
                    throw new KernelLaunchException("opencl: kernel " + name + ": negative global size "
                            + Arrays.toString(global), null);
                }
            }
            for (long g : global) {
                if (g == 0) {
                    return;
                }
            }
            cl_event ev = newEvent();
            try {
                clEnqueueNDRangeKernel(queue, kernel, global.length, null, global, local, 0, null, ev);
            } catch (CLException e) {
                String sizes = "global " + Arrays.toString(global) + ", local "
                        + (local == null ? "chosen by the runtime" : Arrays.toString(local));
                if (isOutOfMemory(e)) {
                    throw new OpenClOutOfMemoryException("opencl: launching kernel " + name + " (" + sizes
                            + ") on " + info.name() + " failed: " + e.getMessage(), e);
                }
                throw new KernelLaunchException("opencl: launching kernel " + name + " with " + sizes + " on "
                        + info.name() + " (max work-group size " + info.maxWorkGroupSize() + ") failed: "
                        + e.getMessage(), e);
            }
            record(name, global.clone(), local == null ? new long[0] : local.clone(), 0, ev);
        }

        /** One-dimensional launch over {@code items} work-items, rounded up to {@code local}. */
        void run1(long items, int local) {
            run(new long[]{roundUp(items, local)}, new long[]{local});
        }

        /**
         * A (x, y, batch) launch in fixed {@link #local2d} work-groups, x and y rounded up (the kernels guard).
         * Fixed local sizes matter on PoCL, which compiles a work-group function per distinct local size.
         */
        void run2d(long x, long y, long batch) {
            run(new long[]{roundUp(x, local2d[0]), roundUp(y, local2d[1]), batch},
                    new long[]{local2d[0], local2d[1], 1});
        }
    }

    // ------------------------------------------------------------------------------------ fused elementwise

    /**
     * A fused elementwise expression as one generated kernel: {@link FusedExpression#toC} prints its statements,
     * each input is read once per element (broadcast inputs through index arithmetic on the output's shape, baked
     * into the source as literals), and the result is written once. The program is cached by the hash of its
     * source, so a compiled graph builds each fused kernel once.
     */
    @Override
    protected synchronized void doFusedElementwise(FusedExpression expr, Tensor[] inputs, Tensor out) {
        int n = out.size();
        if (n == 0) {
            return;
        }
        Shape shape = out.shape();
        String[] index = new String[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            index[i] = broadcastIndex(inputs[i].shape(), shape);
        }
        StringBuilder src = new StringBuilder(FusedExpression.C_PRELUDE);
        src.append("__kernel void kiln_fused(");
        for (int i = 0; i < inputs.length; i++) {
            src.append("__global const float* in").append(i).append(", ");
        }
        src.append("__global float* out, const int n) {\n");
        src.append("    const int gid = get_global_id(0);\n    if (gid >= n) return;\n");
        FusedExpression.CSource c = expr.toC(k -> "in" + k + "[" + index[k] + "]");
        for (String line : c.statements().split("\n")) {
            src.append("    ").append(line).append('\n');
        }
        src.append("    out[gid] = ").append(c.result()).append(";\n}\n");
        String name = "fused[" + expr.opNames() + "]";
        ensureOpen();
        Launch launch = new Launch(programs.kernel(name, src.toString(), baseOptions, "kiln_fused"), name);
        for (Tensor t : inputs) {
            launch.tensor(t);
        }
        launch.tensor(out).i32(n).run1(n, ewLocal);
        flush();
    }

    /** The C index of an input of shape {@code in} broadcast to {@code out}, element {@code gid} of the output. */
    private static String broadcastIndex(Shape in, Shape out) {
        if (in.equals(out)) {
            return "gid";
        }
        int[] strides = Broadcast.strides(in, out);
        StringBuilder sb = new StringBuilder();
        long inner = 1;
        for (int d = out.rank() - 1; d >= 0; d--) {
            if (strides[d] != 0) {
                if (sb.length() > 0) {
                    sb.append(" + ");
                }
                sb.append("((gid / ").append(inner).append(") % ").append(out.dim(d)).append(") * ").append(strides[d]);
            }
            inner *= out.dim(d);
        }
        return sb.length() == 0 ? "0" : sb.toString();
    }

    /** A launch of kernel {@code name} of {@code family}.cl built with the backend's options plus {@code extra}. */
    Launch kernel(String family, String name, String extra) {
        ensureOpen();
        String key = family + '|' + extra + '|' + name;
        cl_kernel k = kernelsByName.get(key);
        if (k == null) {
            String source = ProgramCache.familySource(family);
            k = programs.kernel(family + ".cl", source, baseOptions + " " + extra, name);
            kernelsByName.put(key, k);
        }
        return new Launch(k, name);
    }

    private Launch ew(String name) {
        return kernel("elementwise", name, "-DVW=" + vw);
    }

    private Launch rows(String family, String name) {
        return kernel(family, name, "-DVW=" + vw);
    }

    /** Builds a program from arbitrary source with the backend's options; for tests of build failures. */
    synchronized void buildForTest(String label, String source) {
        programs.program(label, source, baseOptions);
    }

    static long roundUp(long v, long m) {
        return (v + m - 1) / m * m;
    }

    private long ewItems(int n) {
        return (n + (long) vw - 1) / vw;
    }

    // ----------------------------------------------------------------------------------------------- scratch

    /** A device buffer owned by the backend, grown on demand, released on close. */
    private final class Scratch {
        private final String name;
        private cl_mem mem;
        private long bytes;

        Scratch(String name) {
            this.name = name;
        }

        /** At least {@code need} bytes (the old buffer is released; in-flight commands keep it alive). */
        cl_mem ensure(long need) {
            long want = Math.max(need, 64);
            if (mem == null || bytes < want) {
                release();
                long size = Math.max(want, Math.min(info.maxAllocBytes(), bytes + bytes / 2));
                mem = allocate("scratch " + name, size);
                bytes = size;
            }
            return mem;
        }

        void release() {
            if (mem != null) {
                clReleaseMemObject(mem);
                mem = null;
                bytes = 0;
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------- GEMM

    @Override
    protected synchronized void doGemm(boolean transA, boolean transB, int m, int n, int k, float alpha, Tensor a,
                                       Tensor b, float beta, Tensor c, Epilogue epilogue) {
        gemm(gemmParams, transA, transB, 1, m, n, k, alpha, a, b, beta, c, epilogue.bias(),
                KernelCodes.activation(epilogue.activation()), false);
        flush();
    }

    @Override
    protected synchronized void doBatchedGemm(boolean transA, boolean transB, int batch, int m, int n, int k,
                                              float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        gemm(gemmParams, transA, transB, batch, m, n, k, alpha, a, b, beta, c, null, 0, false);
        flush();
    }

    /**
     * Enqueues C = act(alpha·op(A)·op(B) + beta·C + bias) for {@code batch} matrices. {@code forceTiled} makes even
     * a small problem take the packed path (tests and the tuner use it).
     */
    synchronized void gemm(GemmParams p, boolean transA, boolean transB, int batch, int m, int n, int k,
                           float alpha, Tensor a, Tensor b, float beta, Tensor c, Tensor bias, int act,
                           boolean forceTiled) {
        ensureOpen();
        if (batch == 0 || m == 0 || n == 0) {
            return;
        }
        // Element (i, p) of op(A) is A[i·rsA + p·csA]; element (p, j) of op(B) is B[p·rsB + j·csB].
        int rsA = transA ? 1 : k;
        int csA = transA ? m : 1;
        int rsB = transB ? 1 : n;
        int csB = transB ? k : 1;
        long mp = roundUp(m, p.tileM());
        long np = roundUp(n, p.tileN());
        long kp = roundUp(k, p.tileK());
        long perBatchA = 4L * mp * kp;
        long perBatchB = 4L * kp * np;
        long volume = (long) m * n * k;
        boolean direct = k == 0 || (!forceTiled && volume <= DIRECT_GEMM_MAX_VOLUME)
                || Math.max(perBatchA, perBatchB) > info.maxAllocBytes()
                || mp > Integer.MAX_VALUE || np > Integer.MAX_VALUE || kp > Integer.MAX_VALUE;
        if (direct) {
            kernel("gemm", "gemm_direct", p.buildDefines())
                    .tensor(a).tensor(b).tensor(c).tensor(bias)
                    .i32(m).i32(n).i32(k).i32(rsA).i32(csA).i32(rsB).i32(csB).i32(m * k).i32(k * n)
                    .f32(alpha).f32(beta).i32(bias != null ? 1 : 0).i32(act)
                    .run2d(n, m, batch);
            return;
        }
        String defines = p.buildDefines();
        int chunk = (int) Math.max(1, Math.min(batch, info.maxAllocBytes() / Math.max(perBatchA, perBatchB)));
        for (int b0 = 0; b0 < batch; b0 += chunk) {
            int nb = Math.min(chunk, batch - b0);
            cl_mem ap = packA.ensure(perBatchA * nb);
            cl_mem bp = packB.ensure(perBatchB * nb);
            kernel("gemm", "gemm_pack", defines)
                    .tensor(a).mem(ap).i32(m).i32(k).i32((int) mp).i32((int) kp).i32(rsA).i32(csA).i32(m * k)
                    .i32(p.tileM()).u64((long) b0 * m * k)
                    .run2d((mp + PACK_BLOCK - 1) / PACK_BLOCK, (kp + PACK_BLOCK - 1) / PACK_BLOCK, nb);
            kernel("gemm", "gemm_pack", defines)
                    .tensor(b).mem(bp).i32(n).i32(k).i32((int) np).i32((int) kp).i32(csB).i32(rsB).i32(k * n)
                    .i32(p.tileN()).u64((long) b0 * k * n)
                    .run2d((np + PACK_BLOCK - 1) / PACK_BLOCK, (kp + PACK_BLOCK - 1) / PACK_BLOCK, nb);
            // BLIS's NC and KC loops: one launch per (N block, K block); beta on a column block's first K block,
            // bias and activation on its last.
            long nStep = p.nBlock() > 0 ? p.nBlock() : np;
            long kStep = p.kBlock() > 0 ? p.kBlock() : kp;
            for (long n0 = 0; n0 < np; n0 += nStep) {
                long cols = Math.min(nStep, np - n0);
                for (long k0 = 0; k0 < kp; k0 += kStep) {
                    boolean first = k0 == 0;
                    boolean last = k0 + kStep >= kp;
                    kernel("gemm", "gemm_tiled", defines)
                            .mem(ap).mem(bp).tensor(c).tensor(bias)
                            .i32(m).i32(n).i32((int) kp).i32((int) mp).i32((int) np).f32(alpha)
                            .f32(first ? beta : 1f).i32(last && bias != null ? 1 : 0).i32(last ? act : 0)
                            .u64((long) b0 * m * n).i32((int) k0).i32((int) Math.min(kp, k0 + kStep))
                            .i32((int) (n0 / p.tileN()))
                            .run(new long[]{cols / p.threadN(), mp / p.threadM(), nb},
                                    new long[]{p.tileN() / p.threadN(), p.tileM() / p.threadM(), 1});
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- elementwise

    @Override
    protected synchronized void doBinary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        int n = out.size();
        if (n == 0) {
            return;
        }
        int code = KernelCodes.binary(op);
        if (a.size() == n && b.size() == n) {
            ew("binary_same").tensor(a).tensor(b).tensor(out).i32(n).i32(code).run1(ewItems(n), ewLocal);
        } else if (b.size() == 1 && a.size() == n) {
            ew("binary_scalar").tensor(a).tensor(b).tensor(out).i32(n).i32(code).i32(0).run1(ewItems(n), ewLocal);
        } else if (a.size() == 1 && b.size() == n) {
            ew("binary_scalar").tensor(b).tensor(a).tensor(out).i32(n).i32(code).i32(1).run1(ewItems(n), ewLocal);
        } else {
            binaryBroadcast(code, a, b, out);
        }
        flush();
    }

    /** General broadcast: dimensions coalesced; at most 8 go to the kernel, any outer rest is looped here. */
    private void binaryBroadcast(int code, Tensor a, Tensor b, Tensor out) {
        Shape shape = out.shape();
        int[] sa = Broadcast.strides(a.shape(), shape);
        int[] sb = Broadcast.strides(b.shape(), shape);
        int[][] c = coalesce(shape.dims(), sa, sb);
        int[] dims = c[0];
        int[] xa = c[1];
        int[] xb = c[2];
        int rank = dims.length;
        int inner = Math.min(rank, 8);
        int outer = rank - inner;
        int[] innerDims = Arrays.copyOfRange(dims, outer, rank);
        int[] innerA = Arrays.copyOfRange(xa, outer, rank);
        int[] innerB = Arrays.copyOfRange(xb, outer, rank);
        int innerCount = 1;
        for (int d : innerDims) {
            innerCount *= d;
        }
        int[] idx = new int[outer];
        int outOff = 0;
        while (true) {
            int offA = 0;
            int offB = 0;
            for (int i = 0; i < outer; i++) {
                offA += idx[i] * xa[i];
                offB += idx[i] * xb[i];
            }
            ew("binary_broadcast").tensor(a).tensor(b).tensor(out).i32(innerCount).i32(code).i32(inner)
                    .int8(innerDims).int8(innerA).int8(innerB).i32(offA).i32(offB).i32(outOff)
                    .run1(innerCount, ewLocal);
            outOff += innerCount;
            int d = outer - 1;
            while (d >= 0 && ++idx[d] == dims[d]) {
                idx[d] = 0;
                d--;
            }
            if (d < 0) {
                break;
            }
        }
    }

    /**
     * Drops dimensions of size 1 and merges neighbours that are contiguous for both operands; returns {dims,
     * strides of a, strides of b}, at least one dimension.
     */
    static int[][] coalesce(int[] dims, int[] sa, int[] sb) {
        List<int[]> kept = new ArrayList<>();
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] != 1) {
                kept.add(new int[]{dims[i], sa[i], sb[i]});
            }
        }
        List<int[]> merged = new ArrayList<>();
        for (int[] d : kept) {
            if (!merged.isEmpty()) {
                int[] prev = merged.get(merged.size() - 1);
                // prev is the outer neighbour of d: mergeable when prev's stride = d's stride · d's size for both.
                if (prev[1] == d[1] * d[0] && prev[2] == d[2] * d[0]) {
                    prev[0] *= d[0];
                    prev[1] = d[1];
                    prev[2] = d[2];
                    continue;
                }
            }
            merged.add(d.clone());
        }
        if (merged.isEmpty()) {
            merged.add(new int[]{1, 0, 0});
        }
        int r = merged.size();
        int[][] out = new int[3][r];
        for (int i = 0; i < r; i++) {
            out[0][i] = merged.get(i)[0];
            out[1][i] = merged.get(i)[1];
            out[2][i] = merged.get(i)[2];
        }
        return out;
    }

    @Override
    protected synchronized void doScale(float alpha, Tensor x, Tensor out) {
        int n = x.size();
        if (n == 0) {
            return;
        }
        ew("scale").tensor(x).tensor(out).i32(n).f32(alpha).run1(ewItems(n), ewLocal);
        flush();
    }

    @Override
    protected synchronized void doAxpy(float alpha, Tensor x, Tensor y) {
        int n = x.size();
        if (n == 0) {
            return;
        }
        ew("axpy").tensor(x).tensor(y).i32(n).f32(alpha).run1(ewItems(n), ewLocal);
        flush();
    }

    @Override
    protected synchronized void doBiasAdd(Tensor x, Tensor bias, Tensor out) {
        if (x.size() == 0) {
            return;
        }
        int cols = x.shape().cols();
        int rowCount = x.shape().rows();
        ew("bias_add").tensor(x).tensor(bias).tensor(out).i32(cols).i32(rowCount)
                .run2d((cols + (long) vw - 1) / vw, rowCount, 1);
        flush();
    }

    @Override
    protected synchronized void doClamp(Tensor x, float lo, float hi, Tensor out) {
        int n = x.size();
        if (n == 0) {
            return;
        }
        ew("clamp_op").tensor(x).tensor(out).i32(n).f32(lo).f32(hi).run1(ewItems(n), ewLocal);
        flush();
    }

    @Override
    protected synchronized void doUnary(UnaryOp op, Tensor x, Tensor out) {
        int n = x.size();
        if (n == 0) {
            return;
        }
        ew("unary").tensor(x).tensor(out).i32(n).i32(KernelCodes.unary(op)).run1(ewItems(n), ewLocal);
        flush();
    }

    @Override
    protected synchronized void doActivation(Activation act, Tensor x, Tensor y) {
        int n = x.size();
        if (n == 0) {
            return;
        }
        ew("activation").tensor(x).tensor(y).i32(n).i32(KernelCodes.activation(act)).run1(ewItems(n), ewLocal);
        flush();
    }

    @Override
    protected synchronized void doActivationBackward(Activation act, Tensor x, Tensor dy, Tensor dx) {
        int n = x.size();
        if (n == 0) {
            return;
        }
        ew("activation_backward").tensor(x).tensor(dy).tensor(dx).i32(n).i32(KernelCodes.activation(act))
                .run1(ewItems(n), ewLocal);
        flush();
    }

    // -------------------------------------------------------------------------------------------------- softmax

    @Override
    protected synchronized void doSoftmax(Tensor x, Tensor y, boolean log) {
        if (x.size() == 0) {
            return;
        }
        int rowCount = x.shape().rows();
        rows("softmax", "softmax_rows").tensor(x).tensor(y).i32(x.shape().cols()).i32(log ? 1 : 0)
                .run(new long[]{(long) rowCount * rw}, new long[]{rw});
        flush();
    }

    @Override
    protected synchronized void doSoftmaxBackward(Tensor y, Tensor dy, Tensor dx, boolean log) {
        if (y.size() == 0) {
            return;
        }
        int rowCount = y.shape().rows();
        rows("softmax", "softmax_backward_rows").tensor(y).tensor(dy).tensor(dx).i32(y.shape().cols())
                .i32(log ? 1 : 0).run(new long[]{(long) rowCount * rw}, new long[]{rw});
        flush();
    }

    // --------------------------------------------------------------------------------------------------- losses

    /** Work-groups for a grid-stride pass over n elements. */
    private int reductionGroups(long n) {
        long perGroup = (long) rw * vw * 4;
        return (int) Math.max(1, Math.min(maxReductionGroups, (n + perGroup - 1) / perGroup));
    }

    /** Enqueues reduce_finish over {@code count} floats of {@code in} into scalars[0] and reads it back. */
    private float finishToHost(cl_mem in, int count, int mode, int divisor) {
        cl_mem out = scalars.ensure(64);
        rows("reduce", "reduce_finish").mem(in).mem(out).i32(count).i32(0).i32(mode).i32(divisor)
                .run(new long[]{rw}, new long[]{rw});
        return readScalar(out);
    }

    private float readScalar(cl_mem buf) {
        float[] r = new float[1];
        cl_event ev = newEvent();
        try {
            clEnqueueReadBuffer(queue, buf, CL_TRUE, 0, Sizeof.cl_float, Pointer.to(r), 0, null, ev);
        } catch (CLException e) {
            throw enqueueFailure("reading a result", e);
        }
        record("read_buffer", new long[0], new long[0], 4, ev);
        return r[0];
    }

    @Override
    protected synchronized float doMseLoss(Tensor pred, Tensor target, Tensor dpred) {
        int n = pred.size();
        if (n == 0) {
            return Float.NaN;
        }
        int groups = reductionGroups(n);
        cl_mem part = partials.ensure(4L * groups);
        rows("softmax", "mse_partials").tensor(pred).tensor(target).tensor(dpred != null ? dpred : pred).mem(part)
                .i32(n).f32((float) (2.0 / n)).i32(dpred != null ? 1 : 0)
                .run(new long[]{(long) groups * rw}, new long[]{rw});
        return finishToHost(part, groups, KernelCodes.RED_MEAN, n);
    }

    @Override
    protected synchronized float doCrossEntropy(Tensor logits, int[] labels, Tensor dlogits) {
        int rowCount = logits.dim(0);
        int cols = logits.dim(1);
        if (rowCount == 0) {
            return Float.NaN;
        }
        cl_mem lab = ints.ensure(4L * rowCount);
        try {
            clEnqueueWriteBuffer(queue, lab, CL_TRUE, 0, 4L * rowCount, Pointer.to(labels), 0, null, null);
        } catch (CLException e) {
            throw enqueueFailure("uploading " + rowCount + " labels", e);
        }
        cl_mem loss = rowLoss.ensure(4L * rowCount);
        rows("softmax", "cross_entropy_rows").tensor(logits).mem(lab)
                .tensor(dlogits != null ? dlogits : logits).mem(loss).i32(cols).f32(rowCount)
                .i32(dlogits != null ? 1 : 0).run(new long[]{(long) rowCount * rw}, new long[]{rw});
        return finishToHost(loss, rowCount, KernelCodes.RED_MEAN, rowCount);
    }

    @Override
    protected synchronized float doCrossEntropySoft(Tensor logits, Tensor targets, Tensor dlogits) {
        int rowCount = logits.dim(0);
        int cols = logits.dim(1);
        if (rowCount == 0) {
            return Float.NaN;
        }
        if (cols == 0) {
            return 0f; // every row sums over no classes
        }
        cl_mem loss = rowLoss.ensure(4L * rowCount);
        rows("softmax", "cross_entropy_soft_rows").tensor(logits).tensor(targets)
                .tensor(dlogits != null ? dlogits : logits).mem(loss).i32(cols).f32(rowCount)
                .i32(dlogits != null ? 1 : 0).run(new long[]{(long) rowCount * rw}, new long[]{rw});
        return finishToHost(loss, rowCount, KernelCodes.RED_MEAN, rowCount);
    }

    // ----------------------------------------------------------------------------------------------- reductions

    @Override
    protected synchronized void doReduce(Reduction reduction, Tensor x, int axis, Tensor out) {
        int mode = KernelCodes.reduction(reduction);
        int rowCount = x.rank() == 1 ? 1 : x.dim(0);
        int cols = x.rank() == 1 ? x.dim(0) : x.dim(1);
        boolean alongRows = x.rank() == 1 || axis == 1;
        int results = alongRows ? rowCount : cols;
        int reduced = alongRows ? cols : rowCount;
        if (results == 0) {
            return;
        }
        if (reduced == 0) {
            float empty = switch (reduction) {
                case SUM -> 0f;
                case MEAN -> Float.NaN;
                case MAX -> Float.NEGATIVE_INFINITY;
            };
            fillBuffer(mem(out), 4L * results, empty);
        } else if (x.rank() == 1) {
            int groups = reductionGroups(cols);
            cl_mem part = partials.ensure(4L * groups);
            int stage1 = reduction == Reduction.MAX ? KernelCodes.RED_MAX : KernelCodes.RED_SUM;
            rows("reduce", "reduce_partials").tensor(x).mem(part).i32(cols).i32(0).i32(stage1)
                    .run(new long[]{(long) groups * rw}, new long[]{rw});
            rows("reduce", "reduce_finish").mem(part).tensor(out).i32(groups).i32(0).i32(mode).i32(cols)
                    .run(new long[]{rw}, new long[]{rw});
        } else if (alongRows) {
            rows("reduce", "reduce_rows").tensor(x).tensor(out).i32(cols).i32(mode)
                    .run(new long[]{(long) rowCount * rw}, new long[]{rw});
        } else {
            rows("reduce", "reduce_cols").tensor(x).tensor(out).i32(rowCount).i32(cols).i32(mode)
                    .run1(cols, ewLocal);
        }
        flush();
    }

    @Override
    protected synchronized void doArgmax(Tensor x, int axis, int[] out) {
        int rowCount = x.rank() == 1 ? 1 : x.dim(0);
        int cols = x.rank() == 1 ? x.dim(0) : x.dim(1);
        boolean alongRows = x.rank() == 1 || axis == 1;
        if (out.length == 0) {
            return;
        }
        cl_mem res = ints.ensure(4L * out.length);
        if (alongRows) {
            rows("reduce", "argmax_rows").tensor(x).mem(res).i32(cols)
                    .run(new long[]{(long) rowCount * rw}, new long[]{rw});
        } else {
            rows("reduce", "argmax_cols").tensor(x).mem(res).i32(rowCount).i32(cols).run1(cols, ewLocal);
        }
        cl_event ev = newEvent();
        try {
            clEnqueueReadBuffer(queue, res, CL_TRUE, 0, 4L * out.length, Pointer.to(out), 0, null, ev);
        } catch (CLException e) {
            throw enqueueFailure("reading argmax indices", e);
        }
        record("read_buffer", new long[0], new long[0], 4L * out.length, ev);
    }

    @Override
    protected synchronized float doL2Norm(Tensor[] tensors) {
        ensureOpen();
        int total = 0;
        int[] groups = new int[tensors.length];
        for (int i = 0; i < tensors.length; i++) {
            groups[i] = tensors[i].size() == 0 ? 0 : reductionGroups(tensors[i].size());
            total += groups[i];
        }
        if (total == 0) {
            return 0f;
        }
        cl_mem part = partials.ensure(4L * total);
        int off = 0;
        for (int i = 0; i < tensors.length; i++) {
            if (groups[i] == 0) {
                continue;
            }
            rows("reduce", "reduce_partials").tensor(tensors[i]).mem(part).i32(tensors[i].size()).i32(off)
                    .i32(KernelCodes.RED_SUMSQ).run(new long[]{(long) groups[i] * rw}, new long[]{rw});
            off += groups[i];
        }
        return finishToHost(part, total, KernelCodes.RED_SUMSQ, 1);
    }

    // ------------------------------------------------------------------------------------------------- dropout

    @Override
    protected synchronized void doDropout(Tensor x, float p, long seed, long offset, Tensor y) {
        int n = x.size();
        if (n == 0) {
            return;
        }
        // Elements offset .. offset + n - 1 wrap modulo 2^64 as Java's long arithmetic does, so blocks wrap mod 2^62.
        long firstBlock = offset >>> 2;
        long lastBlock = (offset + n - 1) >>> 2;
        long blocks = ((lastBlock - firstBlock) & ((1L << 62) - 1)) + 1;
        float scale = p >= 1f ? 0f : (float) (1.0 / (1.0 - p));
        kernel("dropout", "dropout", "-DVW=" + vw).tensor(x).tensor(y).i32(n).u64(seed).u64(offset).f32(p)
                .f32(scale).run1(blocks, ewLocal);
        flush();
    }

    // ---------------------------------------------------------------------------------------------- optimizers

    @Override
    protected synchronized void doSgdStep(SgdConfig config, long step, Tensor param, Tensor grad,
                                          Tensor momentumBuffer) {
        int n = param.size();
        if (n == 0) {
            return;
        }
        boolean momentum = momentumBuffer != null;
        kernel("optim", "sgd_step", "-DVW=" + vw).tensor(param).tensor(grad)
                .tensor(momentum ? momentumBuffer : param).i32(n).f32(config.lr()).f32(config.weightDecay())
                .f32(config.l1()).f32(config.momentum()).f32(config.dampening()).i32(config.nesterov() ? 1 : 0)
                .i32(momentum ? 1 : 0).i32(step == 1 ? 1 : 0).run1(ewItems(n), ewLocal);
        flush();
    }

    @Override
    protected synchronized void doAdamStep(AdamConfig config, long step, Tensor param, Tensor grad, Tensor m,
                                           Tensor v) {
        int n = param.size();
        if (n == 0) {
            return;
        }
        double bc1 = 1.0 - Math.pow(config.beta1(), step);
        double bc2 = 1.0 - Math.pow(config.beta2(), step);
        float stepSize = (float) (config.lr() / bc1);
        float sqrtBc2 = (float) Math.sqrt(bc2);
        float decay = (float) (1.0 - (double) config.lr() * config.weightDecay());
        kernel("optim", "adam_step", "-DVW=" + vw).tensor(param).tensor(grad).tensor(m).tensor(v).i32(n)
                .f32(config.beta1()).f32(config.beta2()).f32(config.eps()).f32(config.weightDecay()).f32(decay)
                .f32(stepSize).f32(sqrtBc2).i32(config.decoupled() ? 1 : 0).run1(ewItems(n), ewLocal);
        flush();
    }

    @Override
    public String toString() {
        return "OpenClBackend[" + info.name() + ", " + memory + "]";
    }
}
