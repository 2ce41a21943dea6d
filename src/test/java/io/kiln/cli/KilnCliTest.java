package io.kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kiln.core.Backends;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The {@code kiln} command line run in-process, with its output and exit code captured. */
class KilnCliTest {

    record Run(int exit, String out, String err) {
    }

    private String savedBackend;

    @BeforeEach
    void saveBackendProperty() {
        savedBackend = System.getProperty(Backends.PROPERTY);
    }

    @AfterEach
    void restoreBackendProperty() {
        if (savedBackend == null) {
            System.clearProperty(Backends.PROPERTY);
        } else {
            System.setProperty(Backends.PROPERTY, savedBackend);
        }
    }

    static Run kiln(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = KilnCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void help() {
        Run r = kiln("--help");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("Usage: kiln"), r.out());
        assertTrue(r.out().contains("--backend=<name>"), r.out());
        assertTrue(r.out().contains("hw "), r.out());
        assertEquals("", r.err());
    }

    @Test
    void version() {
        Run r = kiln("--version");
        assertEquals(0, r.exit());
        assertTrue(r.out().startsWith("kiln "), r.out());
        assertFalse(r.out().startsWith("kiln unknown"), "version.properties is filtered by Maven: " + r.out());
        assertTrue(r.out().contains("JVM " + System.getProperty("java.runtime.version")), r.out());
    }

    @Test
    void noSubcommandIsAUsageError() {
        Run r = kiln();
        assertEquals(KilnCli.EXIT_USAGE, r.exit());
        assertTrue(r.err().startsWith("kiln: missing subcommand"), r.err());
        assertTrue(r.err().contains("Usage: kiln"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void hw() {
        Run r = kiln("hw");
        assertEquals(0, r.exit(), r.err());
        for (String row : new String[]{"CPU", "Cores", "SIMD flags", "Caches", "Memory", "OS", "JVM", "Vector API"}) {
            assertTrue(r.out().contains("\n  " + row + " "), "row " + row + " missing:\n" + r.out());
        }
        assertTrue(r.out().contains(System.getProperty("os.arch")), r.out());
        assertTrue(r.out().contains("float lanes"), "Vector API species missing:\n" + r.out());
        assertTrue(r.out().contains("  reference  available"), r.out());
        assertTrue(r.out().contains("Selected     "), r.out());
    }

    @Test
    void hwJsonIsOneObjectWithTheHostAndTheBackends() throws Exception {
        Run r = kiln("hw", "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertEquals(Runtime.getRuntime().availableProcessors(), root.at("/host/cpu/availableProcessors").asInt());
        assertEquals(System.getProperty("os.arch"), root.at("/host/os/arch").asText());
        assertTrue(root.at("/host/vectorApi/available").asBoolean());
        assertTrue(root.at("/backends").isArray() && !root.at("/backends").isEmpty());
        boolean reference = false;
        for (JsonNode b : root.at("/backends")) {
            reference |= b.get("name").asText().equals("reference") && b.get("available").asBoolean();
        }
        assertTrue(reference, r.out());
    }

    @Test
    void hwExplainNamesABackendAndItsRuleForEveryOp() {
        Run r = kiln("hw", "--explain");
        assertEquals(0, r.exit(), r.err());
        for (io.kiln.core.Op op : io.kiln.core.Op.values()) {
            assertTrue(r.out().contains("  " + op.opName() + " "), "no line for " + op.opName() + ":\n" + r.out());
        }
        assertTrue(r.out().contains("-> ") && r.out().contains("rule of "), r.out());
    }

    @Test
    void backendByNameSetsTheProperty() {
        String before = System.getProperty(Backends.PROPERTY);
        Run r = kiln("--backend", "reference", "hw");
        assertEquals(0, r.exit(), r.err());
        assertEquals(before, System.getProperty(Backends.PROPERTY), "the property is restored after the run");
        assertTrue(r.out().contains("Selected     reference (asked for: reference)"), r.out());
    }

    @Test
    void unknownBackendIsOneLineNamingTheKnownOnes() {
        for (String[] args : new String[][]{{"--backend", "nope", "hw"}, {"hw", "--backend=nope"}}) {
            Run r = kiln(args);
            assertEquals(KilnCli.EXIT_ERROR, r.exit(), r.err());
            assertEquals("", r.out());
            String[] lines = r.err().strip().split("\\R");
            assertEquals(1, lines.length, "one line, no stack trace:\n" + r.err());
            assertTrue(lines[0].startsWith("kiln: unknown backend 'nope'"), lines[0]);
            assertTrue(lines[0].contains("known: ") && lines[0].contains("reference") && lines[0].contains("auto"),
                    lines[0]);
        }
    }

    @Test
    void verboseAddsTheStackTrace() {
        Run r = kiln("--verbose", "--backend", "nope", "hw");
        assertEquals(KilnCli.EXIT_ERROR, r.exit());
        assertTrue(r.err().startsWith("kiln: unknown backend 'nope'"), r.err());
        assertTrue(r.err().contains("BackendUnavailableException") && r.err().contains("\tat "), r.err());
    }

    @Test
    void badOptionIsAUsageError() {
        Run r = kiln("--no-such-option", "hw");
        assertEquals(KilnCli.EXIT_USAGE, r.exit());
        assertTrue(r.err().startsWith("kiln: Unknown option: '--no-such-option'"), r.err());
        assertTrue(r.err().contains("Try 'kiln --help'"), r.err());

        Run sub = kiln("hw", "--jsno");
        assertEquals(KilnCli.EXIT_USAGE, sub.exit());
        assertTrue(sub.err().contains("--jsno") && sub.err().contains("Try 'kiln hw --help'"), sub.err());

        Run missing = kiln("--backend");
        assertEquals(KilnCli.EXIT_USAGE, missing.exit(), missing.err());
    }

    @Test
    void bytesAreBinaryUnits() {
        assertEquals("48 KiB", HwCommand.bytes(48 * 1024));
        assertEquals("260 MiB", HwCommand.bytes(266240L * 1024));
        assertEquals("23.5 GiB", HwCommand.bytes(24684096L * 1024));
        assertEquals("512 B", HwCommand.bytes(512));
    }
}
