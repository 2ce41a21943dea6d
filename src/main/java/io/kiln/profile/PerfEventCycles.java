package io.kiln.profile;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Per-thread core cycles from the PMU through Linux {@code perf_event_open(2)}, called with the FFM API: the
 * libc {@code syscall} wrapper (there is no libc function for it) with the attribute struct built in native memory,
 * then {@code ioctl} to reset and enable, and {@code read} of the 8-byte count. The event is
 * {@code PERF_TYPE_HARDWARE / PERF_COUNT_HW_CPU_CYCLES} for the calling thread on any CPU, user mode only
 * ({@code exclude_kernel}, {@code exclude_hv}, so {@code perf_event_paranoid} up to 2 allows it).
 *
 * <p>Fails with {@link Unavailable} saying why: no such syscall on this OS or architecture, {@code ENOENT} (no
 * hardware cycle event: the usual answer in a VM without a virtual PMU), {@code EACCES}/{@code EPERM}
 * (perf_event_paranoid), and so on. A counter belongs to the thread that opened it.
 */
public final class PerfEventCycles implements CycleClock {
    private static final int PERF_TYPE_HARDWARE = 0;
    private static final long PERF_COUNT_HW_CPU_CYCLES = 0;
    private static final int PERF_ATTR_SIZE_VER5 = 112;
    private static final long FLAG_DISABLED = 1L;
    private static final long FLAG_EXCLUDE_KERNEL = 1L << 5;
    private static final long FLAG_EXCLUDE_HV = 1L << 6;
    private static final long PERF_FLAG_FD_CLOEXEC = 8;
    private static final long IOC_ENABLE = 0x2400;
    private static final long IOC_DISABLE = 0x2401;
    private static final long IOC_RESET = 0x2403;

    /** The leading fields of {@code struct perf_event_attr} this class sets; the rest of its 112 bytes stay 0. */
    static final StructLayout ATTR_HEAD = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("type"),
            ValueLayout.JAVA_INT.withName("size"),
            ValueLayout.JAVA_LONG.withName("config"),
            ValueLayout.JAVA_LONG.withName("sample_period"),
            ValueLayout.JAVA_LONG.withName("sample_type"),
            ValueLayout.JAVA_LONG.withName("read_format"),
            ValueLayout.JAVA_LONG.withName("flags"));

    /** Thrown when the PMU cannot be used here; the message says why. */
    public static final class Unavailable extends Exception {
        public Unavailable(String message) {
            super(message);
        }

        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final int fd;
    private final Arena arena;
    private final MemorySegment buffer;
    private final Thread owner;

    private PerfEventCycles(int fd, Arena arena) {
        this.fd = fd;
        this.arena = arena;
        this.buffer = arena.allocate(ValueLayout.JAVA_LONG);
        this.owner = Thread.currentThread();
    }

    /** Opens a cycle counter for the calling thread. */
    public static PerfEventCycles open() throws Unavailable {
        return openEvent(PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES, "PERF_COUNT_HW_CPU_CYCLES");
    }

    static final int PERF_TYPE_SOFTWARE = 1;
    static final long PERF_COUNT_SW_TASK_CLOCK = 1;

    /**
     * Opens any perf event for the calling thread through the same FFM path. Tests open the software task clock
     * (nanoseconds this thread ran), which needs no PMU, to check the plumbing where the PMU is missing.
     */
    static PerfEventCycles openEvent(int eventType, long eventConfig, String eventName) throws Unavailable {
        long nr = syscallNumber(System.getProperty("os.arch", ""));
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            throw new Unavailable("perf_event_open exists only on Linux (os.name=" + System.getProperty("os.name")
                    + ")");
        }
        if (nr < 0) {
            throw new Unavailable("no perf_event_open syscall number known for os.arch="
                    + System.getProperty("os.arch"));
        }
        Native n;
        try {
            n = Native.get();
        } catch (RuntimeException | LinkageError e) {
            throw new Unavailable("cannot bind libc through the FFM API (" + e + "); run with "
                    + "--enable-native-access=ALL-UNNAMED", e);
        }
        Arena arena = Arena.ofConfined();
        try {
            MemorySegment attr = arena.allocate(PERF_ATTR_SIZE_VER5, 8);
            attr.fill((byte) 0);
            VarHandle type = ATTR_HEAD.varHandle(MemoryLayout.PathElement.groupElement("type"));
            VarHandle size = ATTR_HEAD.varHandle(MemoryLayout.PathElement.groupElement("size"));
            VarHandle config = ATTR_HEAD.varHandle(MemoryLayout.PathElement.groupElement("config"));
            VarHandle flags = ATTR_HEAD.varHandle(MemoryLayout.PathElement.groupElement("flags"));
            type.set(attr, 0L, eventType);
            size.set(attr, 0L, PERF_ATTR_SIZE_VER5);
            config.set(attr, 0L, eventConfig);
            flags.set(attr, 0L, FLAG_DISABLED | FLAG_EXCLUDE_KERNEL | FLAG_EXCLUDE_HV);
            MemorySegment state = arena.allocate(Linker.Option.captureStateLayout());
            long fd = (long) n.syscall.invokeExact(state, nr, attr, 0L, -1L, -1L, PERF_FLAG_FD_CLOEXEC);
            if (fd < 0) {
                int errno = (int) n.errno.get(state, 0L);
                throw new Unavailable("perf_event_open(" + eventName + ") failed: " + explain(errno));
            }
            PerfEventCycles c = new PerfEventCycles((int) fd, arena);
            int r1 = (int) n.ioctl.invokeExact(c.fd, IOC_RESET, 0L);
            int r2 = (int) n.ioctl.invokeExact(c.fd, IOC_ENABLE, 0L);
            if (r1 != 0 || r2 != 0) {
                c.close();
                throw new Unavailable("perf_event ioctl RESET/ENABLE failed");
            }
            long a = c.read();
            spin();
            long b = c.read();
            if (b - a <= 0) {
                c.close();
                throw new Unavailable("perf_event_open(" + eventName + ") succeeded but the count does not "
                        + "advance (" + a + " then " + b + ")");
            }
            return c;
        } catch (Unavailable e) {
            arena.close();
            throw e;
        } catch (Throwable e) {
            arena.close();
            throw new Unavailable("perf_event_open through FFM failed: " + e, e);
        }
    }

    private static volatile long spinSink;

    private static void spin() {
        long x = 1;
        for (int i = 0; i < 100_000; i++) {
            x = x * 31 + i;
        }
        spinSink = x;
    }

    /** {@code syscall} number of perf_event_open, or −1. */
    static long syscallNumber(String osArch) {
        return switch (osArch.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> 298;
            case "aarch64", "arm64" -> 241;
            default -> -1;
        };
    }

    /** A sentence for an errno of perf_event_open. */
    static String explain(int errno) {
        String paranoid = "?";
        try {
            paranoid = Files.readString(Path.of("/proc/sys/kernel/perf_event_paranoid")).trim();
        } catch (Exception ignored) {
            // unknown
        }
        return switch (errno) {
            case 2 -> "ENOENT: this CPU exposes no hardware cycle event (usual in a VM without a virtual PMU)";
            case 1, 13 -> "E" + (errno == 1 ? "PERM" : "ACCES") + ": not permitted (kernel.perf_event_paranoid = "
                    + paranoid + "; user-mode counting needs <= 2, or CAP_PERFMON)";
            case 19 -> "ENODEV: no PMU for this event";
            case 38 -> "ENOSYS: the kernel has no perf_event_open";
            case 95 -> "EOPNOTSUPP: the PMU does not support this event";
            case 22 -> "EINVAL: the kernel refused the event attributes";
            case 24 -> "EMFILE: too many open files";
            default -> "errno " + errno;
        };
    }

    @Override
    public CycleSource source() {
        return CycleSource.PMU;
    }

    @Override
    public String detail() {
        return "perf_event_open PERF_COUNT_HW_CPU_CYCLES, user mode, the measuring thread only";
    }

    /** The thread's cycle count so far (only on the thread that opened the counter). */
    @Override
    public long read() {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("a perf_event cycle counter is read on the thread that opened it");
        }
        try {
            long got = (long) Native.get().read.invokeExact(fd, buffer, 8L);
            if (got != 8) {
                throw new IllegalStateException("read of the perf_event counter returned " + got);
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
        return buffer.get(ValueLayout.JAVA_LONG, 0);
    }

    @Override
    public double cycles(long rawDelta, long nanos) {
        return rawDelta;
    }

    @Override
    public void close() {
        try {
            int ignored = (int) Native.get().ioctl.invokeExact(fd, IOC_DISABLE, 0L);
            int closed = (int) Native.get().close.invokeExact(fd);
        } catch (Throwable ignored) {
            // best effort
        }
        if (Thread.currentThread() == owner) {
            arena.close();
        }
    }

    /** libc handles, bound once on first use. */
    private record Native(MethodHandle syscall, MethodHandle ioctl, MethodHandle read, MethodHandle close,
                          VarHandle errno) {
        private static volatile Native instance;

        static Native get() {
            Native n = instance;
            if (n == null) {
                synchronized (Native.class) {
                    if (instance == null) {
                        instance = bind();
                    }
                    n = instance;
                }
            }
            return n;
        }

        private static Native bind() {
            Linker linker = Linker.nativeLinker();
            var libc = linker.defaultLookup();
            MethodHandle syscall = linker.downcallHandle(libc.find("syscall").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS,
                            ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                            ValueLayout.JAVA_LONG),
                    Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));
            MethodHandle ioctl = linker.downcallHandle(libc.find("ioctl").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG,
                            ValueLayout.JAVA_LONG),
                    Linker.Option.firstVariadicArg(2));
            MethodHandle read = linker.downcallHandle(libc.find("read").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                            ValueLayout.JAVA_LONG));
            MethodHandle close = linker.downcallHandle(libc.find("close").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            VarHandle errno = Linker.Option.captureStateLayout()
                    .varHandle(MemoryLayout.PathElement.groupElement("errno"));
            return new Native(syscall, ioctl, read, close, errno);
        }
    }
}
