package io.kiln.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiln.conformance.ForeignSpaceBackend;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The selection rules of {@link Backends} with providers that are unavailable or of other priorities (through the
 * package-private {@code select(name, providers)}), and on the providers actually registered. Fake provider names
 * are unique per test because created backends are shared per process by name.
 */
class BackendsTest {

    /** A provider that may be unavailable, or whose availability check throws; counts its creations. */
    static final class FakeProvider implements BackendProvider {
        final String name;
        final int priority;
        final Optional<String> reason;
        final Throwable thrown;
        final AtomicInteger created = new AtomicInteger();

        FakeProvider(String name, int priority, String reason) {
            this(name, priority, reason, null);
        }

        /** {@code thrown}: a RuntimeException or an Error (a LinkageError, as a missing native library gives). */
        FakeProvider(String name, int priority, String reason, Throwable thrown) {
            this.name = name;
            this.priority = priority;
            this.reason = Optional.ofNullable(reason);
            this.thrown = thrown;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int priority() {
            return priority;
        }

        @Override
        public Optional<String> unavailableReason() {
            if (thrown instanceof RuntimeException e) {
                throw e;
            }
            if (thrown instanceof Error e) {
                throw e;
            }
            return reason;
        }

        @Override
        public Backend create() {
            created.incrementAndGet();
            return new ForeignSpaceBackend(name);
        }
    }

    @Test
    void autoPicksTheAvailableProviderOfHighestPriority() {
        FakeProvider low = new FakeProvider("fake-auto-low", 10, null);
        FakeProvider high = new FakeProvider("fake-auto-high", 30, "no OpenCL driver (install ocl-icd)");
        FakeProvider mid = new FakeProvider("fake-auto-mid", 20, null);
        Backend b = Backends.select("auto", List.of(low, high, mid));
        assertEquals("fake-auto-mid", b.name());
        assertEquals(1, mid.created.get());
        assertEquals(0, low.created.get());
        assertEquals(0, high.created.get(), "an unavailable provider is never created");
    }

    @Test
    void autoPassesOverAProviderWhoseCheckThrows() {
        FakeProvider broken = new FakeProvider("fake-throws-top", 50, null, new IllegalStateException("boom"));
        FakeProvider ok = new FakeProvider("fake-throws-ok", 5, null);
        assertEquals("fake-throws-ok", Backends.select("auto", List.of(broken, ok)).name());
    }

    @Test
    void autoWithNothingAvailableListsEveryReason() {
        FakeProvider a = new FakeProvider("fake-none-a", 30, "needs AVX-512");
        FakeProvider b = new FakeProvider("fake-none-b", 20, null, new UnsatisfiedLinkError("libOpenCL.so"));
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> Backends.select("auto", List.of(a, b)));
        String m = e.getMessage();
        assertTrue(m.contains("auto") && m.contains("fake-none-a") && m.contains("needs AVX-512")
                && m.contains("fake-none-b") && m.contains("UnsatisfiedLinkError") && m.contains("libOpenCL.so"), m);
    }

    @Test
    void aNamedUnavailableBackendFailsWithItsReasonInsteadOfFallingBack() {
        FakeProvider gpu = new FakeProvider("fake-named-gpu", 30, "no OpenCL platform found");
        FakeProvider cpu = new FakeProvider("fake-named-cpu", 10, null);
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> Backends.select("fake-named-gpu", List.of(gpu, cpu)));
        assertTrue(e.getMessage().contains("fake-named-gpu") && e.getMessage().contains("cannot load")
                && e.getMessage().contains("no OpenCL platform found"), e.getMessage());
        assertEquals(0, cpu.created.get(), "no silent fallback");
        FakeProvider broken = new FakeProvider("fake-named-broken", 10, null, new IllegalStateException("boom"));
        BackendUnavailableException e2 = assertThrows(BackendUnavailableException.class,
                () -> Backends.select("fake-named-broken", List.of(broken)));
        assertTrue(e2.getMessage().contains("IllegalStateException: boom"), e2.getMessage());
    }

    @Test
    void anUnknownNameListsTheKnownOnes() {
        FakeProvider a = new FakeProvider("fake-known-a", 30, null);
        FakeProvider b = new FakeProvider("fake-known-b", 10, "unavailable");
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> Backends.select("fake-nope", List.of(a, b)));
        String m = e.getMessage();
        assertTrue(m.contains("unknown backend 'fake-nope'") && m.contains("fake-known-a") && m.contains("fake-known-b")
                && m.contains("auto"), m);
    }

    @Test
    void namesAreTrimmedAndCaseInsensitiveAndEachBackendIsCreatedOnce() {
        FakeProvider p = new FakeProvider("fake-case", 10, null);
        Backend first = Backends.select("  FAKE-Case ", List.of(p));
        Backend second = Backends.select("fake-case", List.of(p));
        assertSame(first, second);
        assertEquals(1, p.created.get());
    }

    @Test
    void nullOrBlankMeansThePropertyThenAuto() {
        FakeProvider top = new FakeProvider("fake-prop-top", 30, null);
        FakeProvider named = new FakeProvider("fake-prop-named", 10, null);
        List<BackendProvider> list = List.of(top, named);
        String saved = System.getProperty(Backends.PROPERTY);
        try {
            System.setProperty(Backends.PROPERTY, "fake-prop-named");
            assertEquals("fake-prop-named", Backends.select(null, list).name());
            assertEquals("fake-prop-named", Backends.select("   ", list).name());
            System.clearProperty(Backends.PROPERTY);
            assertEquals("fake-prop-top", Backends.select(null, list).name());
        } finally {
            if (saved == null) {
                System.clearProperty(Backends.PROPERTY);
            } else {
                System.setProperty(Backends.PROPERTY, saved);
            }
        }
    }

    @Test
    void registeredProvidersAreSortedAndAutoPicksTheBestAvailableOne() {
        List<BackendProvider> providers = Backends.providers();
        assertTrue(providers.stream().anyMatch(p -> p.name().equals("reference")), "reference is registered");
        for (int i = 1; i < providers.size(); i++) {
            assertTrue(providers.get(i - 1).priority() >= providers.get(i).priority(), "highest priority first");
        }
        Map<String, Optional<String>> availability = Backends.availability();
        assertEquals(Optional.empty(), availability.get("reference"), "the reference can always load");
        String best = providers.stream().filter(p -> availability.get(p.name()).isEmpty()).findFirst().orElseThrow()
                .name();
        assertEquals(best, Backends.select("auto").name());
        assertSame(Backends.select("reference"), Backends.select("reference"));
        assertEquals("reference", Backends.select("reference").name());
    }
}
