package io.kiln.backend.opencl;

import java.util.Arrays;

/**
 * One command's device time, from OpenCL profiling events ({@code CL_PROFILING_COMMAND_QUEUED/START/END}, device
 * clock, nanoseconds). {@code command} is a kernel name, or {@code write_buffer}, {@code read_buffer},
 * {@code copy_buffer}, {@code fill_buffer} for transfers. {@code global}/{@code local} are the NDRange sizes (empty
 * for transfers; {@code local} empty when the runtime chose it); {@code bytes} is the transfer size (0 for kernels).
 */
public record KernelTiming(String command, long[] global, long[] local, long bytes, long queuedNs, long startNs,
                           long endNs) {

    /** Execution time on the device: end − start. */
    public long durationNs() {
        return endNs - startNs;
    }

    /** Time the command waited in the queue before starting: start − queued. */
    public long waitNs() {
        return startNs - queuedNs;
    }

    @Override
    public String toString() {
        return command + (global.length > 0 ? " global=" + Arrays.toString(global) : "")
                + (local.length > 0 ? " local=" + Arrays.toString(local) : "") + (bytes > 0 ? " bytes=" + bytes : "")
                + " " + durationNs() + " ns";
    }
}
