package io.kiln.hw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link HostInfo#detect(Path)} on fake /proc + /sys trees, and on an empty root (macOS, Windows). */
class HostInfoTest {

    @TempDir
    Path root;

    private void write(String relative, String text) throws IOException {
        Path p = root.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    private void cache(int index, String level, String type, String size, String shared) throws IOException {
        String dir = "sys/devices/system/cpu/cpu0/cache/index" + index + "/";
        write(dir + "level", level + "\n");
        write(dir + "type", type + "\n");
        write(dir + "size", size + "\n");
        write(dir + "coherency_line_size", "64\n");
        write(dir + "shared_cpu_list", shared + "\n");
    }

    @Test
    void linuxTree() throws IOException {
        write("proc/cpuinfo", CpuInfoTest.INTEL);
        write("proc/meminfo", "MemTotal:       24684096 kB\nMemFree:        23957472 kB\n");
        write("sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq", "3800000\n");
        cache(3, "3", "Unified", "266240K", "0-1"); // listed out of order on purpose
        cache(0, "1", "Data", "48K", "0");
        cache(1, "1", "Instruction", "32K", "0");
        cache(2, "2", "Unified", "2048K", "0");

        HostInfo h = HostInfo.detect(root);
        assertEquals("Intel(R) Xeon(R) Processor", h.cpu().name());
        assertEquals(3800.0, h.cpu().maxMhz());
        assertEquals(List.of("L1d", "L1i", "L2", "L3"), h.caches().stream().map(HostInfo.Cache::label).toList());
        assertEquals(48 * 1024L, h.cacheBytes("L1d").orElseThrow());
        assertEquals(2 * 1024 * 1024L, h.cacheBytes("l2").orElseThrow());
        assertEquals(266240 * 1024L, h.cacheBytes("L3").orElseThrow());
        assertEquals("0-1", h.cache("L3").orElseThrow().sharedWith());
        assertEquals(64, h.cache("L1d").orElseThrow().lineBytes());
        assertEquals(24684096L * 1024, h.memory().totalBytes());
    }

    @Test
    void brokenCacheEntriesAreSkipped() throws IOException {
        cache(0, "1", "Data", "48K", "0");
        write("sys/devices/system/cpu/cpu0/cache/index1/level", "2\n"); // no type, no size
        cache(2, "x", "Unified", "1M", "0");
        HostInfo h = HostInfo.detect(root);
        assertEquals(1, h.caches().size());
        assertTrue(h.cacheBytes("L2").isEmpty());
    }

    @Test
    void emptyRootFallsBackToRuntimeValues() {
        HostInfo h = HostInfo.detect(root);
        int available = Runtime.getRuntime().availableProcessors();
        assertEquals(available, h.cpu().logicalCores());
        assertEquals(available, h.cpu().availableProcessors());
        assertNull(h.cpu().vendor());
        assertNull(h.cpu().name());
        assertNull(h.cpu().maxMhz());
        assertFalse(h.cpu().virtualized());
        assertTrue(h.cpu().flags().isEmpty());
        assertTrue(h.cpu().source().contains("no readable /proc/cpuinfo"), h.cpu().source());
        assertTrue(h.caches().isEmpty());
        assertEquals(System.getProperty("os.arch"), h.os().arch());
        assertEquals(Runtime.getRuntime().maxMemory(), h.memory().jvmMaxHeapBytes());
    }

    @Test
    void vectorApiReportsThePreferredSpecies() {
        // Surefire runs with --add-modules jdk.incubator.vector, as every Kiln process does.
        HostInfo.VectorApi v = HostInfo.detect(root).vectorApi();
        assertTrue(v.available(), String.valueOf(v.unavailableReason()));
        assertTrue(v.floatLanes() >= 2 && Integer.bitCount(v.floatLanes()) == 1, "lanes " + v.floatLanes());
        assertEquals(v.floatLanes() * 32, v.bitSize());
        assertTrue(v.species().contains("float"), v.species());
    }

    @Test
    void sizes() {
        assertEquals(48 * 1024L, HostInfo.parseSize("48K"));
        assertEquals(1024 * 1024L, HostInfo.parseSize("1M\n"));
        assertEquals(2L << 30, HostInfo.parseSize("2G"));
        assertEquals(24684096L * 1024, HostInfo.parseSize("   24684096 kB"));
        assertEquals(32768L, HostInfo.parseSize("32768"));
        assertNull(HostInfo.parseSize("lots"));
        assertNull(HostInfo.parseSize("-5K"));
        assertNull(HostInfo.parseSize(null));
        assertNull(HostInfo.parseMemTotal("MemFree: 12 kB\n"));
    }
}
