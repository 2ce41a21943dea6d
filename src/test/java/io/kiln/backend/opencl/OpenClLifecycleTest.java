package io.kiln.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiln.core.Activation;
import io.kiln.core.BackendProvider;
import io.kiln.core.Backends;
import io.kiln.core.InvalidArgumentException;
import io.kiln.core.KernelBuildException;
import io.kiln.core.KilnException;
import io.kiln.core.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Resource handling and failure paths of the OpenCL backend: buffers counted and returned, device out-of-memory,
 * two contexts refusing each other's tensors, a closed backend, a kernel build failure carrying the compiler's
 * log, a launch failure naming the kernel and its sizes, profiling events, and registration.
 */
class OpenClLifecycleTest {

    @Test
    void everyTensorBufferIsReleasedOnClose() {
        OpenClTestSupport.requireOpenCl();
        try (OpenClBackend be = new OpenClBackend()) {
            long processBefore = OpenClTensor.liveBuffers();
            List<Tensor> ts = new ArrayList<>();
            for (int n : new int[]{1, 17, 1000, 0}) {
                ts.add(be.allocate(n));
                ts.add(be.fromArray(new float[n], n));
            }
            assertEquals(6, be.liveTensorBuffers(), "six non-empty tensors hold a buffer each (empty ones none)");
            assertEquals(processBefore + 6, OpenClTensor.liveBuffers(), "process-wide counter");
            assertEquals(4L * (1 + 17 + 1000) * 2, be.liveTensorBytes());
            // Ops that use scratch buffers do not count as tensors.
            try (Tensor a = be.fromArray(new float[128 * 128], 128, 128); Tensor c = be.allocate(128, 128)) {
                be.gemm(false, true, 1f, a, a, 0f, c);
                be.l2Norm(a, c);
                assertEquals(8, be.liveTensorBuffers());
            }
            assertTrue(be.scratchBytes() > 0, "GEMM packing and reductions keep scratch");
            for (Tensor t : ts) {
                t.close();
                t.close(); // idempotent
            }
            assertEquals(0, be.liveTensorBuffers(), "every tensor buffer came back");
            assertEquals(0, be.liveTensorBytes());
            assertEquals(processBefore, OpenClTensor.liveBuffers(), "process-wide counter back where it was");
            Tensor closed = ts.get(0);
            KilnException e = assertThrows(InvalidArgumentException.class, () -> be.toArray(closed));
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
        }
    }

    @Test
    void unclosedTensorsAreReleasedByTheCleanerSafetyNet() throws InterruptedException {
        OpenClTestSupport.requireOpenCl();
        try (OpenClBackend be = new OpenClBackend()) {
            for (int i = 0; i < 10; i++) {
                be.allocate(1000); // dropped without close
            }
            assertEquals(10, be.liveTensorBuffers());
            for (int i = 0; i < 50 && be.liveTensorBuffers() > 0; i++) {
                System.gc();
                Thread.sleep(20);
            }
            assertEquals(0, be.liveTensorBuffers(), "the Cleaner released unreachable tensors' buffers");
        }
    }

    @Test
    void allocationBeyondTheDeviceLimitThrowsNamedExceptionAndLeaksNothing() {
        OpenClBackend be = OpenClTestSupport.backend();
        long floats = be.device().maxAllocBytes() / 4 + 1;
        Assumptions.assumeTrue(floats < Integer.MAX_VALUE - 8, "device allows single allocations beyond the largest "
                + "Kiln tensor (" + be.device().maxAllocBytes() + " bytes); the limit cannot be exceeded here");
        long before = be.liveTensorBuffers();
        long processBefore = OpenClTensor.liveBuffers();
        OpenClOutOfMemoryException e = assertThrows(OpenClOutOfMemoryException.class,
                () -> be.allocate((int) floats));
        assertTrue(e.getMessage().contains(String.valueOf(4 * floats)) && e.getMessage().contains("largest single "
                + "allocation"), e.getMessage());
        assertTrue(e instanceof KilnException);
        assertEquals(before, be.liveTensorBuffers(), "nothing left allocated");
        assertEquals(processBefore, OpenClTensor.liveBuffers());
        // The backend still works afterwards.
        try (Tensor t = be.fromArray(new float[]{1, 2, 3}, 3)) {
            assertEquals(2f, be.toArray(t)[1]);
        }
    }

    @Test
    void twoContextsAreSeparateMemorySpaces() {
        OpenClTestSupport.requireOpenCl();
        try (OpenClBackend one = new OpenClBackend(); OpenClBackend two = new OpenClBackend();
             Tensor a = one.fromArray(new float[]{1, 2}, 2); Tensor b = two.fromArray(new float[]{3, 4}, 2);
             Tensor out = one.allocate(2)) {
            assertNotSame(one.memory(), two.memory());
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> one.add(a, b, out));
            assertTrue(e.getMessage().contains("memory space") && e.getMessage().contains("add"), e.getMessage());
            assertThrows(InvalidArgumentException.class, () -> two.toArray(a));
            one.add(a, a, out);
            assertEquals(4f, one.toArray(out)[1]);
        }
    }

    @Test
    void closedBackendRefusesWorkAndReleasedTensorsStayReleasable() {
        OpenClTestSupport.requireOpenCl();
        OpenClBackend be = new OpenClBackend();
        Tensor t = be.fromArray(new float[]{1, 2, 3}, 3);
        be.close();
        be.close(); // idempotent
        KilnException e = assertThrows(KilnException.class, () -> be.activation(Activation.RELU, t, t));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertThrows(KilnException.class, () -> be.allocate(3));
        t.close(); // releasing after the backend is gone is legal (OpenCL reference counts the context)
        assertEquals(0, be.liveTensorBuffers());
    }

    @Test
    void buildFailureCarriesTheCompilerLog() {
        OpenClBackend be = OpenClTestSupport.backend();
        KernelBuildException e = assertThrows(KernelBuildException.class, () -> be.buildForTest("broken_test.cl",
                "__kernel void broken(__global float* x) { x[0] = undefined_identifier_kiln; }"));
        String msg = e.getMessage();
        assertTrue(msg.contains("broken_test.cl") && msg.contains("build log"), msg);
        assertTrue(msg.contains("undefined_identifier_kiln"), "the compiler's log names the error: " + msg);
        // A good program still builds afterwards.
        be.buildForTest("fine_test.cl", "__kernel void fine(__global float* x) { x[0] = 1.0f; }");
    }

    @Test
    void launchFailureNamesKernelAndSizes() {
        OpenClBackend be = OpenClTestSupport.backend();
        long tooBig = Long.highestOneBit(be.device().maxWorkGroupSize()) * 2;
        try (Tensor x = be.allocate(16)) {
            KernelLaunchException e = assertThrows(KernelLaunchException.class, () -> {
                synchronized (be) {
                    be.kernel("elementwise", "scale", "-DVW=" + 4).tensor(x).tensor(x).i32(16).f32(2f)
                            .run(new long[]{tooBig}, new long[]{tooBig});
                }
            });
            String msg = e.getMessage();
            assertTrue(msg.contains("scale") && msg.contains("global [" + tooBig + "]")
                    && msg.contains("local [" + tooBig + "]"), msg);
            assertTrue(e instanceof KernelBuildException, "launch failures are KernelBuildExceptions");
        }
    }

    @Test
    void profilingEventsTimeKernelsAndTransfers() {
        OpenClBackend be = OpenClTestSupport.backend();
        boolean was = be.isProfiling();
        be.setProfiling(true);
        try (Tensor x = be.fromArray(new float[4096], 4096); Tensor y = be.allocate(4096)) {
            be.drainTimings();
            be.activation(Activation.GELU_TANH, x, y);
            long last = be.lastKernelNanos();
            assertTrue(last > 0, "last kernel took " + last + " ns");
            be.toArray(y);
            List<KernelTiming> t = be.drainTimings();
            assertEquals(2, t.size(), "one kernel and one read: " + t);
            assertEquals("activation", t.get(0).command());
            assertTrue(t.get(0).global().length == 1 && t.get(0).global()[0] >= 4096 / 16);
            assertEquals("read_buffer", t.get(1).command());
            assertEquals(4 * 4096, t.get(1).bytes());
            for (KernelTiming k : t) {
                assertTrue(k.startNs() >= k.queuedNs() && k.endNs() >= k.startNs(), k.toString());
            }
            assertTrue(be.drainTimings().isEmpty(), "drained");
        } finally {
            be.setProfiling(was);
        }
        be.setProfiling(false);
        try (Tensor x = be.fromArray(new float[16], 16)) {
            be.scale(2f, x, x);
            assertEquals(-1, be.lastKernelNanos(), "no events recorded with profiling off");
        } finally {
            be.setProfiling(was);
        }
    }

    @Test
    void registeredAsProviderWithPriority20AndDescribesDevices() {
        OpenClTestSupport.requireOpenCl();
        BackendProvider p = Backends.providers().stream().filter(x -> x.name().equals("opencl")).findFirst()
                .orElseThrow(() -> new AssertionError("opencl provider not registered"));
        assertEquals(20, p.priority());
        assertTrue(p.unavailableReason().isEmpty());
        assertFalse(OpenClDevices.list().isEmpty());
        assertTrue(OpenClDevices.describe().get(0).startsWith("OpenCL #0 "), OpenClDevices.describe().toString());
        assertTrue(Backends.select("opencl").description().contains(OpenClDevices.list().get(0).name()));
    }

    @Test
    void deviceChoiceByIndexAndName() {
        OpenClTestSupport.requireOpenCl();
        OpenClDeviceInfo first = OpenClDevices.list().get(0);
        assertEquals(first, OpenClDevices.choose("0").info());
        String part = first.name().substring(0, Math.min(6, first.name().length())).toUpperCase();
        assertEquals(first, OpenClDevices.choose(part).info());
        KilnException e = assertThrows(KilnException.class, () -> OpenClDevices.choose("no-such-device-xyz"));
        assertTrue(e.getMessage().contains("matches no device") && e.getMessage().contains(first.name()),
                e.getMessage());
        assertThrows(KilnException.class, () -> OpenClDevices.choose("99"));
    }
}
