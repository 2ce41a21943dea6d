package io.kiln.hw.profile;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class JitActivityTest {

    @Test
    void compilerThreadsAreVisibleOnLinuxAndTheCounterNeverGoesBack() {
        if (System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            assertTrue(JitActivity.seesCompilerThreads(), "HotSpot's C1/C2 compiler threads in /proc/self/task");
        }
        long a = JitActivity.now();
        long x = 0;
        for (int i = 0; i < 2_000_000; i++) { // gives the JIT something to compile
            x += Long.rotateLeft(x ^ i, 7);
        }
        long b = JitActivity.now();
        assertTrue(b >= a, a + " then " + b + " (" + x + ")");
    }

    @Test
    void warmUntilIdleStopsAtTheLimitOrWhenIdle() {
        int[] calls = {0};
        long t0 = System.nanoTime();
        JitActivity.warmUntilIdle(() -> calls[0]++, 3, 1_000_000L, 200_000_000L);
        assertTrue(calls[0] >= 3);
        assertTrue(System.nanoTime() - t0 < 2_000_000_000L);
    }
}
