package io.kiln.profile;

import static org.junit.jupiter.api.Assertions.assertFalse;
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
    void warmupSettlesOnlyWhenRecentTimesAgree() {
        long[] ring = new long[8];
        for (int i = 0; i < 8; i++) {
            ProfileRunTestSupport.put(ring, i, 100);
        }
        assertTrue(ProfileRun.settled(ring, 8));
        assertFalse(ProfileRun.settled(ring, 7), "needs 8 calls");
        // the last 4 calls 10x faster than the 4 before: the JIT just delivered, not settled
        long[] jump = {1000, 1000, 1000, 1000, 100, 100, 100, 100};
        assertFalse(ProfileRun.settled(jump, 8));
        // within 15%
        long[] close = {100, 104, 98, 101, 110, 108, 112, 109};
        assertTrue(ProfileRun.settled(close, 8));
    }
}

final class ProfileRunTestSupport {
    private ProfileRunTestSupport() {
    }

    static void put(long[] ring, int call, long ns) {
        ring[call % ring.length] = ns;
    }
}
