package io.kiln.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiln.core.Backends;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Without a usable OpenCL platform the backend must explain itself, never crash or hang. Each case runs
 * {@link OpenClAvailabilityProbe} in a child JVM whose environment hides the platform: the ICD loader pointed at an
 * empty vendor directory ({@code OCL_ICD_VENDORS}), or PoCL given a kernel cache it cannot create.
 */
class OpenClUnavailableTest {

    private static String runProbe(Map<String, String> env) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "--enable-native-access=ALL-UNNAMED",
                "-Dkiln.quiet=true", "-cp", childClassPath(), OpenClAvailabilityProbe.class.getName());
        pb.environment().remove("OCL_ICD_FILENAMES");
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        Process p = pb.start();
        boolean done = p.waitFor(120, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
            throw new AssertionError("the probe hung for 120 s with " + env);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), "probe exit status; output:\n" + out);
        return out;
    }

    /**
     * The JVM's class path plus the jars or directories of the classes the probe needs: under Maven's surefire the
     * former suffices, under the JUnit console launcher (bench/gpu) the test classes come from a class loader of
     * their own and only the latter finds them.
     */
    private static String childClassPath() throws IOException {
        Set<String> entries = new LinkedHashSet<>();
        for (Class<?> c : List.of(OpenClAvailabilityProbe.class, OpenClBackendProvider.class, Backends.class,
                org.jocl.CL.class)) {
            try {
                entries.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
            } catch (URISyntaxException | NullPointerException e) {
                throw new IOException("cannot locate " + c.getName(), e);
            }
        }
        entries.addAll(List.of(System.getProperty("java.class.path").split(File.pathSeparator)));
        return String.join(File.pathSeparator, entries);
    }

    private static String line(String out, String tag) {
        List<String> lines = out.lines().filter(l -> l.startsWith(tag)).toList();
        assertEquals(1, lines.size(), "one " + tag + " line in:\n" + out);
        return lines.get(0);
    }

    @Test
    void emptyIcdVendorDirectoryGivesAnInstallHint(@TempDir Path emptyVendors) throws Exception {
        String out = runProbe(Map.of("OCL_ICD_VENDORS", emptyVendors.toString()));
        String reason = line(out, "REASON: ");
        assertTrue(reason.contains("no OpenCL platform") && reason.contains(emptyVendors.toString()), reason);
        assertTrue(reason.contains("apt-get install ocl-icd-libopencl1 pocl-opencl-icd")
                && reason.contains("GPU vendor"), reason);
        String select = line(out, "SELECT: ");
        assertTrue(select.contains("BackendUnavailableException") && select.contains("no OpenCL platform"), select);
        assertEquals("DEVICES: 0", line(out, "DEVICES: "));
    }

    @Test
    void poclWithoutAWritableKernelCacheIsExplained(@TempDir Path dir) throws Exception {
        OpenClTestSupport.requireOpenCl();
        Path file = dir.resolve("a-file");
        Files.writeString(file, "not a directory");
        Path cache = file.resolve("cache"); // cannot be created, even by root
        String out = runProbe(Map.of("POCL_CACHE_DIR", cache.toString()));
        String reason = line(out, "REASON: ");
        if (reason.contains("(available)")) {
            // A platform other than PoCL serves the devices here; nothing to explain.
            assertTrue(OpenClDevices.list().stream().anyMatch(d -> !d.isPocl()), reason);
            return;
        }
        assertTrue(reason.contains("no usable device") && reason.contains("POCL_CACHE_DIR"), reason);
        assertTrue(reason.contains(cache.toString()) && reason.contains("not writable"), reason);
    }
}
