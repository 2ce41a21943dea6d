package io.kiln.backend.opencl;

import io.kiln.core.KilnException;

/**
 * The OpenCL device could not allocate a buffer: the request exceeds the device's largest single allocation
 * ({@code CL_DEVICE_MAX_MEM_ALLOC_SIZE}), or the driver reported {@code CL_MEM_OBJECT_ALLOCATION_FAILURE},
 * {@code CL_OUT_OF_RESOURCES} or {@code CL_OUT_OF_HOST_MEMORY}. Nothing is left allocated when this is thrown.
 */
public class OpenClOutOfMemoryException extends KilnException {
    public OpenClOutOfMemoryException(String message) {
        super(message);
    }

    public OpenClOutOfMemoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
