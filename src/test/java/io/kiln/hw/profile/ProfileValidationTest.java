package io.kiln.hw.profile;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kiln.core.ProfileFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Every malformed or contradictory profile fails with a ProfileFormatException naming file, field and reason. */
class ProfileValidationTest {
    private static final ObjectMapper M = new ObjectMapper();
    private static final String FILE = "amd-zen5-avx512.json";

    private static String shippedText(String file) throws IOException {
        try (InputStream in = ProfileValidationTest.class.getClassLoader()
                .getResourceAsStream("hw-profiles/" + file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String mutated(String file, Consumer<ObjectNode> change) throws IOException {
        ObjectNode root = (ObjectNode) M.readTree(shippedText(file));
        change.accept(root);
        return M.writeValueAsString(root);
    }

    /** Parses and expects a failure whose message names the file, the field and contains {@code reason}. */
    private static void fails(String file, String json, String field, String reason) {
        ProfileFormatException e = assertThrows(ProfileFormatException.class, () -> HardwareProfiles.parse(file,
                json));
        String msg = e.getMessage();
        assertTrue(msg.startsWith(file + ": field " + field + ":"), msg);
        assertTrue(msg.contains(reason), msg);
    }

    @Test
    void unmodifiedShippedTextParses() throws IOException {
        HardwareProfiles.parse(FILE, shippedText(FILE));
    }

    @Test
    void malformedJson() {
        fails(FILE, "{ \"id\": ", "(none)", "malformed JSON");
    }

    @Test
    void unknownField() throws IOException {
        fails(FILE, mutated(FILE, r -> r.put("clockGhz", 4.3)), "clockGhz", "Unrecognized field");
    }

    @Test
    void duplicateField() throws IOException {
        String text = shippedText(FILE).replace("\"cores\": 16,", "\"cores\": 16, \"cores\": 8,");
        fails(FILE, text, "(none)", "Duplicate field");
    }

    @Test
    void fractionalCoreCount() throws IOException {
        fails(FILE, mutated(FILE, r -> r.put("cores", 2.5)), "cores", "");
    }

    @Test
    void numberAsString() throws IOException {
        fails(FILE, mutated(FILE, r -> r.put("cores", "16")), "cores", "");
    }

    @Test
    void negativeCacheSize() throws IOException {
        fails(FILE, mutated(FILE, r -> ((ObjectNode) r.get("caches")).put("l2Bytes", -1)), "caches.l2Bytes",
                "must be > 0");
    }

    @Test
    void l1LargerThanL2() throws IOException {
        fails(FILE, mutated(FILE, r -> ((ObjectNode) r.get("caches")).put("l1dBytes", 4 << 20)), "caches.l1dBytes",
                "larger than caches.l2Bytes");
    }

    @Test
    void peakInconsistentWithWidthAndFmaUnits() throws IOException {
        fails(FILE, mutated(FILE, r -> r.put("peakFp32FlopPerCyclePerCore", 32)), "peakFp32FlopPerCyclePerCore",
                "512/32 x 2 x 2 = 64.0");
    }

    @Test
    void mrNotDividingMc() throws IOException {
        fails(FILE, mutated(FILE, r -> ((ObjectNode) r.get("simdGemm")).put("mc", 100)), "simdGemm.mc",
                "multiple of MR (6)");
    }

    @Test
    void nrNotWholeVectors() throws IOException {
        fails(FILE, mutated(FILE, r -> ((ObjectNode) r.get("simdGemm")).put("nr", 24).put("nc", 4080)),
                "simdGemm.nr", "multiple of the 16 float lanes");
    }

    @Test
    void negativeBlocking() throws IOException {
        fails(FILE, mutated(FILE, r -> ((ObjectNode) r.get("simdGemm")).put("kc", -256)), "simdGemm.kc",
                "must be an integer > 0");
    }

    @Test
    void unknownBackendInRule() throws IOException {
        fails(FILE, mutated(FILE, r -> ((ObjectNode) r.get("dispatch").get(0)).put("backend", "cuda")),
                "dispatch[0].backend", "unknown backend \"cuda\"");
    }

    @Test
    void unknownOpInRule() throws IOException {
        fails(FILE, mutated(FILE, r -> ((ArrayNode) r.get("dispatch")).addObject().put("op", "matmul")
                .put("minSize", 0).put("backend", "simd")), "dispatch[1].op", "unknown op \"matmul\"");
    }

    @Test
    void ruleWithBothOpAndCategory() throws IOException {
        fails(FILE, mutated(FILE, r -> ((ObjectNode) r.get("dispatch").get(0)).put("op", "gemm")), "dispatch[0]",
                "exactly one of");
    }

    @Test
    void negativeMinSize() throws IOException {
        fails(FILE, mutated(FILE, r -> ((ObjectNode) r.get("dispatch").get(0)).put("minSize", -1)),
                "dispatch[0].minSize", "must be >= 0");
    }

    @Test
    void idMustMatchFileName() throws IOException {
        fails("zen5.json", shippedText(FILE), "id", "file is named zen5.json");
    }

    @Test
    void missingSources() throws IOException {
        fails(FILE, mutated(FILE, r -> r.remove("sources")), "sources", "every figure needs a source");
    }

    @Test
    void sourceForUnknownField() throws IOException {
        fails(FILE, mutated(FILE, r -> ((ObjectNode) r.get("sources")).put("clock", "x")), "sources.clock",
                "not a field that takes a source");
    }

    @Test
    void oneThreadBandwidthAboveAllThreads() throws IOException {
        fails(FILE, mutated(FILE, r -> ((ObjectNode) r.get("memoryBandwidthGBs")).put("oneThread", 200.0)),
                "memoryBandwidthGBs.oneThread", "exceeds allThreads");
    }

    @Test
    void derivedFieldAlsoGiven() throws IOException {
        fails("generic-x86-avx2.json", mutated("generic-x86-avx2.json", r -> r.put("cores", 8)), "cores",
                "also listed in derive.fields");
    }

    @Test
    void underivableField() throws IOException {
        fails("generic-x86-avx2.json", mutated("generic-x86-avx2.json",
                r -> ((ArrayNode) r.get("derive").get("fields")).add("fmaUnitsPerCore")), "derive.fields[3]",
                "cannot be derived from detection");
    }

    @Test
    void badModelSpec() throws IOException {
        fails(FILE, mutated(FILE, r -> ((ArrayNode) r.get("match").get("cpu").get("models")).add("0x50-0x40")),
                "match.cpu.models[3]", "is empty");
        fails(FILE, mutated(FILE, r -> ((ArrayNode) r.get("match").get("cpu").get("models")).add("zen")),
                "match.cpu.models[3]", "must be a number");
    }

    @Test
    void cpuProfileCannotMatchOpenClDevices() throws IOException {
        fails(FILE, mutated(FILE, r -> ((ObjectNode) r.get("match")).putObject("opencl")
                .putArray("deviceNameContains").add("x")), "match.opencl", "cannot match OpenCL devices");
    }

    @Test
    void openClTilesMustDivide() throws IOException {
        String f = "nvidia-h200-opencl.json";
        fails(f, mutated(f, r -> ((ObjectNode) r.get("openclGemm")).put("workPerThreadM", 3)), "openclGemm.tileM",
                "multiple of workPerThreadM (3)");
        fails(f, mutated(f, r -> ((ObjectNode) r.get("openclGemm")).put("workPerThreadM", 1).put("workPerThreadN",
                4)), "openclGemm", "at most 1024");
    }

    @Test
    void wrongSchemaVersion() throws IOException {
        fails(FILE, mutated(FILE, r -> r.put("schemaVersion", 2)), "schemaVersion", "must be 1");
    }
}
