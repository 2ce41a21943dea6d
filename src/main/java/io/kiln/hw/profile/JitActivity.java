package io.kiln.hw.profile;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A number that changes while the JIT works: the CPU time of HotSpot's compiler threads (Linux:
 * {@code /proc/self/task/<tid>/stat} of the threads named {@code C1 CompilerThre...} and {@code C2 CompilerThre...},
 * in clock ticks) plus the total compilation time the JVM reports ({@link CompilationMXBean}, which moves only when
 * a compilation <em>finishes</em>). The thread CPU time shows a compilation in progress, which matters on a busy
 * machine: there C2 may take seconds to deliver a Vector API kernel, and the code that runs meanwhile is stable but
 * one to two orders of magnitude slower.
 */
public final class JitActivity {
    private static final CompilationMXBean JIT = ManagementFactory.getCompilationMXBean();
    private static final Path TASKS = Path.of("/proc/self/task");

    private JitActivity() {
    }

    /**
     * Calls {@code work} until the JIT has been idle for {@code idleNanos} (and at least {@code minCalls} times), or
     * {@code maxNanos} have passed. Returns whether it went idle.
     */
    public static boolean warmUntilIdle(Runnable work, int minCalls, long idleNanos, long maxNanos) {
        long start = System.nanoTime();
        long last = now();
        long changed = start;
        for (int calls = 1; ; calls++) {
            work.run();
            long t = System.nanoTime();
            long a = now();
            if (a != last) {
                last = a;
                changed = t;
            }
            if (calls >= minCalls && t - changed >= idleNanos) {
                return true;
            }
            if (t - start >= maxNanos) {
                return false;
            }
        }
    }

    /** The activity counter; equal readings mean the JIT did nothing in between (to the resolution of a tick). */
    public static long now() {
        long ms = JIT != null && JIT.isCompilationTimeMonitoringSupported() ? JIT.getTotalCompilationTime() : 0;
        return ms * 1_000_000L + compilerThreadTicks();
    }

    /** Whether the compiler threads' CPU time can be read (Linux); otherwise only finished compilations count. */
    public static boolean seesCompilerThreads() {
        return compilerThreadTicks() >= 0;
    }

    /** utime + stime of the compiler threads in clock ticks, or −1 where {@code /proc/self/task} is unreadable. */
    public static long compilerThreadTicks() {
        if (!Files.isDirectory(TASKS)) {
            return -1;
        }
        long ticks = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
            for (Path t : tasks) {
                String stat;
                try {
                    stat = Files.readString(t.resolve("stat"));
                } catch (IOException | RuntimeException e) {
                    continue; // the thread ended
                }
                int open = stat.indexOf('(');
                int close = stat.lastIndexOf(')');
                if (open < 0 || close < open) {
                    continue;
                }
                String comm = stat.substring(open + 1, close);
                if (!comm.startsWith("C1 Compiler") && !comm.startsWith("C2 Compiler")) {
                    continue;
                }
                // fields after the comm: state(3) ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
                // utime(14) stime(15)
                String[] f = stat.substring(close + 2).split(" ");
                if (f.length > 12) {
                    ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return ticks;
    }
}
