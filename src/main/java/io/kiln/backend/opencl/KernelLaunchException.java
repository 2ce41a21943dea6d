package io.kiln.backend.opencl;

import io.kiln.core.KernelBuildException;

/** The OpenCL runtime refused to enqueue a kernel; the message names the kernel, its global and local sizes. */
public class KernelLaunchException extends KernelBuildException {
    public KernelLaunchException(String message, Throwable cause) {
        super(message, cause);
    }
}
