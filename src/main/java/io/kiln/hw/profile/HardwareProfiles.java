package io.kiln.hw.profile;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.kiln.core.BackendProvider;
import io.kiln.core.Backends;
import io.kiln.core.Op;
import io.kiln.core.ProfileFormatException;
import io.kiln.hw.profile.HardwareProfile.Bandwidth;
import io.kiln.hw.profile.HardwareProfile.Caches;
import io.kiln.hw.profile.HardwareProfile.CpuMatch;
import io.kiln.hw.profile.HardwareProfile.Derive;
import io.kiln.hw.profile.HardwareProfile.DispatchRule;
import io.kiln.hw.profile.HardwareProfile.OpenClGemm;
import io.kiln.hw.profile.HardwareProfile.OpenClMatch;
import io.kiln.hw.profile.HardwareProfile.SimdGemm;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;

/**
 * Reads, validates and writes hardware profiles. Every problem - malformed JSON, an unknown or missing field, a
 * value out of range, a contradiction such as a peak that is not width × FMA units × 2 - is a
 * {@link ProfileFormatException} whose message names the file, the field and the reason.
 */
public final class HardwareProfiles {
    /** Class-path folder of the shipped profiles. */
    public static final String RESOURCE_DIR = "hw-profiles";

    /** Backend names a dispatch rule may name even when that backend is not on the class path. */
    public static final Set<String> KNOWN_BACKENDS = Set.of("reference", "simd", "opencl");

    static final Set<String> NUMBER_FIELDS = Set.of("cores", "clockGHz", "vectorWidthBits", "fmaUnitsPerCore",
            "peakFp32FlopPerCyclePerCore", "caches", "memoryBandwidthGBs");
    static final Set<String> DETECTABLE = Set.of("cores", "clockGHz", "vectorWidthBits",
            "peakFp32FlopPerCyclePerCore", "caches");
    static final Set<String> FROM_CPU_PROFILE = NUMBER_FIELDS;
    static final Set<String> SOURCE_KEYS = Set.of("default", "match", "cores", "clockGHz", "vectorWidthBits",
            "fmaUnitsPerCore", "peakFp32FlopPerCyclePerCore", "caches", "memoryBandwidthGBs", "vectorApiCompiled",
            "simdGemm", "openclGemm", "dispatch");

    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9.-]*");
    private static final Pattern MODEL = Pattern.compile("(0x[0-9a-fA-F]+|[0-9]+)(-(0x[0-9a-fA-F]+|[0-9]+))?");

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private HardwareProfiles() {
    }

    // --------------------------------------------------------------------------------------------- reading

    /** Every profile shipped on the class path ({@code hw-profiles/*.json}), validated, sorted by id. */
    public static List<HardwareProfile> shipped() {
        List<HardwareProfile> out = new ArrayList<>();
        for (String name : shippedFileNames()) {
            out.add(loadResource(name));
        }
        out.sort((a, b) -> a.id().compareTo(b.id()));
        return out;
    }

    /** The shipped profile with this id. */
    public static HardwareProfile shipped(String id) {
        for (HardwareProfile p : shipped()) {
            if (p.id().equals(id)) {
                return p;
            }
        }
        throw new ProfileFormatException("no shipped hardware profile has id '" + id + "'; shipped: "
                + String.join(", ", shipped().stream().map(HardwareProfile::id).toList()));
    }

    /** File names ({@code x.json}) under {@code hw-profiles/} on the class path, from folders and jars. */
    public static List<String> shippedFileNames() {
        Set<String> names = new TreeSet<>();
        try {
            Enumeration<URL> roots = HardwareProfiles.class.getClassLoader().getResources(RESOURCE_DIR);
            for (URL url : Collections.list(roots)) {
                if (url.getProtocol().equals("file")) {
                    try (var files = Files.list(Path.of(url.toURI()))) {
                        files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                                .forEach(names::add);
                    }
                } else if (url.getProtocol().equals("jar")) {
                    JarURLConnection conn = (JarURLConnection) url.openConnection();
                    conn.setUseCaches(false);
                    try (JarFile jar = conn.getJarFile()) {
                        for (JarEntry e : Collections.list(jar.entries())) {
                            String n = e.getName();
                            if (n.startsWith(RESOURCE_DIR + "/") && n.endsWith(".json")
                                    && n.indexOf('/', RESOURCE_DIR.length() + 1) < 0) {
                                names.add(n.substring(RESOURCE_DIR.length() + 1));
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("listing " + RESOURCE_DIR + "/ on the class path", e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return List.copyOf(names);
    }

    /** Loads {@code hw-profiles/<fileName>} from the class path. */
    public static HardwareProfile loadResource(String fileName) {
        String resource = RESOURCE_DIR + "/" + fileName;
        try (InputStream in = HardwareProfiles.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new ProfileFormatException(resource + ": not found on the class path");
            }
            return parse(resource, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ProfileFormatException(resource + ": cannot be read: " + e.getMessage(), e);
        }
    }

    /** Loads and validates a profile file. */
    public static HardwareProfile load(Path file) {
        try {
            return parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ProfileFormatException(file + ": cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Parses and validates profile JSON. {@code fileName} names the source in messages; when it ends in
     * {@code .json} the profile's id must equal its stem.
     */
    public static HardwareProfile parse(String fileName, String json) {
        HardwareProfile p;
        try {
            p = MAPPER.readValue(json, HardwareProfile.class);
        } catch (JsonMappingException e) {
            throw new ProfileFormatException(fileName + ": field " + path(e) + ": " + e.getOriginalMessage(), e);
        } catch (JsonProcessingException e) {
            throw new ProfileFormatException(fileName + ": field (none): malformed JSON: " + e.getOriginalMessage(),
                    e);
        }
        if (p == null) {
            throw new ProfileFormatException(fileName + ": field (root): the file holds no profile object");
        }
        validate(fileName, p);
        return p;
    }

    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.isEmpty() ? "(root)" : sb.toString();
    }

    // --------------------------------------------------------------------------------------------- writing

    /** The profile as indented JSON (validated first, so what is written can be read back). */
    public static String toJson(HardwareProfile p) {
        validate(p.id() + " (to be written)", p);
        try {
            return MAPPER.writeValueAsString(p) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize profile " + p.id(), e);
        }
    }

    /** Writes {@code p} to {@code file}. */
    public static void write(HardwareProfile p, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, toJson(p), StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------------------------------ validation

    /** Checks every field of {@code p}; throws on the first problem, naming {@code file} and the field. */
    public static void validate(String file, HardwareProfile p) {
        Problems v = new Problems(file);
        v.require(p.schemaVersion() != null && p.schemaVersion() == HardwareProfile.SCHEMA_VERSION, "schemaVersion",
                "must be " + HardwareProfile.SCHEMA_VERSION + ", got " + p.schemaVersion());
        v.require(p.id() != null && ID.matcher(p.id()).matches(), "id",
                "must be lower-case letters, digits, '.' and '-', got " + quote(p.id()));
        if (file.endsWith(".json")) {
            String stem = Path.of(file).getFileName().toString();
            stem = stem.substring(0, stem.length() - ".json".length());
            v.require(stem.equals(p.id()), "id", "is " + quote(p.id()) + " but the file is named " + stem
                    + ".json; they must agree");
        }
        v.require(p.description() != null && !p.description().isBlank(), "description", "is missing");
        v.require(HardwareProfile.DEVICE_CPU.equals(p.device()) || HardwareProfile.DEVICE_OPENCL.equals(p.device()),
                "device", "must be \"cpu\" or \"opencl\", got " + quote(p.device()));
        boolean cpu = HardwareProfile.DEVICE_CPU.equals(p.device());

        // --- match
        HardwareProfile.Match m = p.match();
        v.require(m != null, "match", "is missing");
        boolean fallback = Boolean.TRUE.equals(m.fallback());
        v.require(m.cpu() != null || m.opencl() != null || fallback, "match",
                "needs \"cpu\", \"opencl\" or \"fallback\": true");
        if (cpu) {
            v.require(m.opencl() == null, "match.opencl", "a cpu profile cannot match OpenCL devices");
        } else {
            v.require(m.cpu() == null, "match.cpu", "an opencl profile matches OpenCL devices, not CPUs");
            v.require(m.opencl() != null, "match.opencl", "is required for an opencl profile");
            v.require(!fallback, "match.fallback", "only a cpu profile can be the fallback");
        }
        if (m.cpu() != null) {
            checkCpuMatch(v, m.cpu());
        }
        if (m.opencl() != null) {
            checkOpenClMatch(v, m.opencl());
        }

        // --- derive
        Set<String> derived = new LinkedHashSet<>();
        if (p.derive() != null) {
            Derive d = p.derive();
            v.require(Derive.FROM_DETECTION.equals(d.from()) || Derive.FROM_CPU_PROFILE.equals(d.from()),
                    "derive.from", "must be \"detection\" or \"cpu-profile\", got " + quote(d.from()));
            v.require(d.fields() != null && !d.fields().isEmpty(), "derive.fields", "must list at least one field");
            Set<String> allowed = Derive.FROM_DETECTION.equals(d.from()) ? DETECTABLE : FROM_CPU_PROFILE;
            for (int i = 0; i < d.fields().size(); i++) {
                String f = d.fields().get(i);
                v.require(allowed.contains(f), "derive.fields[" + i + "]", quote(f) + " cannot be derived from "
                        + d.from() + "; derivable: " + new TreeSet<>(allowed));
                derived.add(f);
            }
            v.require(!(Derive.FROM_CPU_PROFILE.equals(d.from()) && cpu), "derive.from",
                    "a cpu profile cannot take its figures from another cpu profile");
        }
        for (String f : derived) {
            v.require(fieldValue(p, f) == null, f, "is given but also listed in derive.fields; give one or the other");
        }

        // --- roofs
        if (!derived.contains("cores")) {
            v.require(p.cores() != null && p.cores() >= 1 && p.cores() <= 1_000_000, "cores",
                    "must be an integer >= 1, got " + p.cores());
        }
        if (!derived.contains("clockGHz")) {
            v.require(p.clockGHz() != null && p.clockGHz() > 0 && p.clockGHz() <= 10, "clockGHz",
                    "must be in (0, 10] GHz, got " + p.clockGHz());
        }
        if (!derived.contains("vectorWidthBits")) {
            Integer w = p.vectorWidthBits();
            v.require(w != null && w >= 32 && w <= 4096 && Integer.bitCount(w) == 1, "vectorWidthBits",
                    "must be a power of two from 32 to 4096 bits, got " + w);
        }
        if (!derived.contains("fmaUnitsPerCore")) {
            v.require(p.fmaUnitsPerCore() != null && p.fmaUnitsPerCore() >= 1 && p.fmaUnitsPerCore() <= 16,
                    "fmaUnitsPerCore", "must be an integer in [1, 16], got " + p.fmaUnitsPerCore());
        }
        if (!derived.contains("peakFp32FlopPerCyclePerCore")) {
            Double peak = p.peakFp32FlopPerCyclePerCore();
            v.require(peak != null && peak > 0, "peakFp32FlopPerCyclePerCore", "must be > 0, got " + peak);
            if (p.vectorWidthBits() != null && p.fmaUnitsPerCore() != null) {
                double expected = p.vectorWidthBits() / 32.0 * p.fmaUnitsPerCore() * 2;
                v.require(Math.abs(peak - expected) < 1e-9, "peakFp32FlopPerCyclePerCore", "is " + peak
                        + " but vectorWidthBits/32 x fmaUnitsPerCore x 2 = " + p.vectorWidthBits() + "/32 x "
                        + p.fmaUnitsPerCore() + " x 2 = " + expected);
            }
        }
        if (!derived.contains("caches")) {
            Caches c = p.caches();
            v.require(c != null, "caches", "is missing");
            v.require(c.l1dBytes() != null && c.l1dBytes() > 0, "caches.l1dBytes", "must be > 0, got "
                    + c.l1dBytes());
            v.require(c.l2Bytes() != null && c.l2Bytes() > 0, "caches.l2Bytes", "must be > 0, got " + c.l2Bytes());
            v.require(c.l3Bytes() != null && c.l3Bytes() >= 0, "caches.l3Bytes", "must be >= 0 (0: none), got "
                    + c.l3Bytes());
            v.require(c.l1dBytes() <= c.l2Bytes(), "caches.l1dBytes", "(" + c.l1dBytes()
                    + ") is larger than caches.l2Bytes (" + c.l2Bytes() + ")");
        }
        if (!derived.contains("memoryBandwidthGBs")) {
            Bandwidth b = p.memoryBandwidthGBs();
            if (b == null) {
                v.require(fallback, "memoryBandwidthGBs", "is missing (only the detection-only fallback may omit it)");
            } else {
                v.require(b.allThreads() != null && b.allThreads() > 0, "memoryBandwidthGBs.allThreads",
                        "must be > 0 GB/s, got " + b.allThreads());
                if (b.oneThread() != null) {
                    v.require(b.oneThread() > 0, "memoryBandwidthGBs.oneThread", "must be > 0 GB/s, got "
                            + b.oneThread());
                    v.require(b.oneThread() <= b.allThreads() * 1.10, "memoryBandwidthGBs.oneThread", "("
                            + b.oneThread() + " GB/s) exceeds allThreads (" + b.allThreads()
                            + " GB/s) by more than 10%");
                }
            }
        }

        // --- blocking and tiles
        if (p.simdGemm() != null) {
            SimdGemm g = p.simdGemm();
            v.positive("simdGemm.mr", g.mr());
            v.positive("simdGemm.nr", g.nr());
            v.positive("simdGemm.mc", g.mc());
            v.positive("simdGemm.kc", g.kc());
            v.positive("simdGemm.nc", g.nc());
            v.require(g.mc() % g.mr() == 0, "simdGemm.mc", "(" + g.mc() + ") must be a multiple of MR (" + g.mr()
                    + ")");
            v.require(g.nc() % g.nr() == 0, "simdGemm.nc", "(" + g.nc() + ") must be a multiple of NR (" + g.nr()
                    + ")");
            if (p.vectorWidthBits() != null) {
                int lanes = p.vectorWidthBits() / 32;
                v.require(g.nr() % lanes == 0, "simdGemm.nr", "(" + g.nr() + ") must be a multiple of the "
                        + lanes + " float lanes of a " + p.vectorWidthBits() + "-bit vector");
            }
        } else {
            v.require(!cpu || derived.contains("vectorWidthBits"), "simdGemm", "is required for a cpu profile");
        }
        if (p.openclGemm() != null) {
            OpenClGemm g = p.openclGemm();
            v.positive("openclGemm.tileM", g.tileM());
            v.positive("openclGemm.tileN", g.tileN());
            v.positive("openclGemm.tileK", g.tileK());
            v.positive("openclGemm.workPerThreadM", g.workPerThreadM());
            v.positive("openclGemm.workPerThreadN", g.workPerThreadN());
            v.positive("openclGemm.vectorWidth", g.vectorWidth());
            v.require(g.tileM() % g.workPerThreadM() == 0, "openclGemm.tileM", "(" + g.tileM()
                    + ") must be a multiple of workPerThreadM (" + g.workPerThreadM() + ")");
            v.require(g.tileN() % g.workPerThreadN() == 0, "openclGemm.tileN", "(" + g.tileN()
                    + ") must be a multiple of workPerThreadN (" + g.workPerThreadN() + ")");
            v.require(Set.of(1, 2, 4, 8, 16).contains(g.vectorWidth()), "openclGemm.vectorWidth",
                    "must be 1, 2, 4, 8 or 16, got " + g.vectorWidth());
            v.require(g.workPerThreadN() % g.vectorWidth() == 0, "openclGemm.workPerThreadN", "("
                    + g.workPerThreadN() + ") must be a multiple of vectorWidth (" + g.vectorWidth() + ")");
            v.require(g.workGroupSize() <= 1024, "openclGemm", "gives work-groups of " + g.workGroupSize()
                    + " work-items; OpenCL devices allow at most 1024");
        }

        // --- dispatch
        if (p.dispatch() != null) {
            Set<String> backends = knownBackends();
            for (int i = 0; i < p.dispatch().size(); i++) {
                DispatchRule r = p.dispatch().get(i);
                String at = "dispatch[" + i + "]";
                v.require(r != null, at, "is null");
                v.require((r.op() == null) != (r.category() == null), at, "needs exactly one of \"op\" and "
                        + "\"category\"");
                if (r.op() != null) {
                    v.require(opByName(r.op()) != null, at + ".op", "unknown op " + quote(r.op())
                            + "; ops are the names of io.kiln.core.Op (gemm, relu, softmax, adam, ...)");
                } else {
                    v.require(categoryByName(r.category()) != null || r.category().equals("*"), at + ".category",
                            "unknown category " + quote(r.category()) + "; known: * " + categoryNames());
                }
                v.require(r.minSize() != null && r.minSize() >= 0, at + ".minSize", "must be >= 0, got "
                        + r.minSize());
                v.require(r.backend() != null && backends.contains(r.backend()), at + ".backend", "unknown backend "
                        + quote(r.backend()) + "; known: " + new TreeSet<>(backends));
            }
        }

        // --- sources
        v.require(p.sources() != null && !p.sources().isEmpty(), "sources",
                "is missing; every figure needs a source (a document, or 'measured here on <date> with <command>')");
        for (Map.Entry<String, String> e : p.sources().entrySet()) {
            v.require(SOURCE_KEYS.contains(e.getKey()), "sources." + e.getKey(), "is not a field that takes a "
                    + "source; known: " + new TreeSet<>(SOURCE_KEYS));
            v.require(e.getValue() != null && !e.getValue().isBlank(), "sources." + e.getKey(), "is blank");
        }
        for (String f : NUMBER_FIELDS) {
            if (fieldValue(p, f) != null) {
                v.require(p.sourceOf(f) != null, "sources", "has no entry for " + f + " and no \"default\"");
            }
        }

        // --- calibration record
        if (p.calibration() != null) {
            HardwareProfile.CalibrationRecord c = p.calibration();
            v.require(c.date() != null && !c.date().isBlank(), "calibration.date", "is missing");
            v.require(c.command() != null && !c.command().isBlank(), "calibration.command", "is missing");
            for (String name : List.of("fp32GflopsByThreads", "copyGBsByThreads", "triadGBsByThreads")) {
                List<Double> list = switch (name) {
                    case "fp32GflopsByThreads" -> c.fp32GflopsByThreads();
                    case "copyGBsByThreads" -> c.copyGBsByThreads();
                    default -> c.triadGBsByThreads();
                };
                if (list != null) {
                    for (int i = 0; i < list.size(); i++) {
                        v.require(list.get(i) != null && list.get(i) > 0, "calibration." + name + "[" + i + "]",
                                "must be > 0, got " + list.get(i));
                    }
                }
            }
        }
    }

    private static void checkCpuMatch(Problems v, CpuMatch c) {
        if (c.arch() != null) {
            v.require(c.arch().equals("x86_64") || c.arch().equals("aarch64"), "match.cpu.arch",
                    "must be \"x86_64\" or \"aarch64\", got " + quote(c.arch()));
        }
        if (c.vendor() != null) {
            v.require(!c.vendor().isBlank(), "match.cpu.vendor", "is blank");
        }
        if (c.family() != null) {
            v.require(c.family() >= 0, "match.cpu.family", "must be >= 0, got " + c.family());
        }
        if (c.models() != null) {
            for (int i = 0; i < c.models().size(); i++) {
                String s = c.models().get(i);
                v.require(s != null && MODEL.matcher(s).matches(), "match.cpu.models[" + i + "]",
                        "must be a number (decimal or 0x hex) or a range a-b, got " + quote(s));
                int[] r = modelRange(s);
                v.require(r[0] <= r[1], "match.cpu.models[" + i + "]", "range " + s + " is empty");
            }
        }
        if (Boolean.TRUE.equals(c.modelsRequired())) {
            v.require(c.models() != null && !c.models().isEmpty(), "match.cpu.modelsRequired",
                    "is true but match.cpu.models is empty");
        }
        if (c.requiredFlags() != null) {
            for (int i = 0; i < c.requiredFlags().size(); i++) {
                String f = c.requiredFlags().get(i);
                v.require(f != null && !f.isBlank() && f.equals(f.toLowerCase(Locale.ROOT)),
                        "match.cpu.requiredFlags[" + i + "]", "must be a lower-case /proc/cpuinfo flag, got "
                                + quote(f));
            }
        }
        v.require(c.arch() != null || c.vendor() != null || c.family() != null || c.requiredFlags() != null,
                "match.cpu", "must constrain something (arch, vendor, family or requiredFlags)");
    }

    private static void checkOpenClMatch(Problems v, OpenClMatch o) {
        boolean vendors = o.platformVendorContains() != null && !o.platformVendorContains().isEmpty();
        boolean names = o.deviceNameContains() != null && !o.deviceNameContains().isEmpty();
        v.require(vendors || names, "match.opencl", "needs platformVendorContains or deviceNameContains");
        if (o.deviceType() != null) {
            v.require(Set.of("CPU", "GPU", "ACCELERATOR").contains(o.deviceType()), "match.opencl.deviceType",
                    "must be CPU, GPU or ACCELERATOR, got " + quote(o.deviceType()));
        }
        if (o.computeUnits() != null) {
            v.require(o.computeUnits() > 0, "match.opencl.computeUnits", "must be > 0, got " + o.computeUnits());
        }
    }

    /** {@code [lo, hi]} of a model spec ({@code 207}, {@code 0xcf}, {@code 0x40-0x4f}). */
    static int[] modelRange(String spec) {
        String[] parts = spec.split("-");
        Integer lo = HostFacts.parseInt(parts[0]);
        Integer hi = parts.length > 1 ? HostFacts.parseInt(parts[1]) : lo;
        if (lo == null || hi == null) {
            return new int[] {1, 0};
        }
        return new int[] {lo, hi};
    }

    static Object fieldValue(HardwareProfile p, String field) {
        return switch (field) {
            case "cores" -> p.cores();
            case "clockGHz" -> p.clockGHz();
            case "vectorWidthBits" -> p.vectorWidthBits();
            case "fmaUnitsPerCore" -> p.fmaUnitsPerCore();
            case "peakFp32FlopPerCyclePerCore" -> p.peakFp32FlopPerCyclePerCore();
            case "caches" -> p.caches();
            case "memoryBandwidthGBs" -> p.memoryBandwidthGBs();
            default -> throw new IllegalArgumentException(field);
        };
    }

    /** The op of this catalog name ({@code gemm}, {@code relu_backward}), or null. */
    public static Op opByName(String name) {
        for (Op op : Op.values()) {
            if (op.opName().equals(name)) {
                return op;
            }
        }
        return null;
    }

    /** The category of this lower-case name ({@code elementwise}, {@code activation_backward}), or null. */
    public static Op.Category categoryByName(String name) {
        for (Op.Category c : Op.Category.values()) {
            if (c.name().toLowerCase(Locale.ROOT).equals(name)) {
                return c;
            }
        }
        return null;
    }

    private static List<String> categoryNames() {
        List<String> out = new ArrayList<>();
        for (Op.Category c : Op.Category.values()) {
            out.add(c.name().toLowerCase(Locale.ROOT));
        }
        return out;
    }

    /** {@link #KNOWN_BACKENDS} plus every provider on the class path. */
    static Set<String> knownBackends() {
        Set<String> names = new TreeSet<>(KNOWN_BACKENDS);
        try {
            for (BackendProvider p : Backends.providers()) {
                names.add(p.name());
            }
        } catch (RuntimeException | LinkageError ignored) {
            // a broken provider does not make a profile invalid
        }
        return names;
    }

    private static String quote(String s) {
        return s == null ? "null" : "\"" + s + "\"";
    }

    /** Fails fast with the file and field. */
    private record Problems(String file) {
        void require(boolean ok, String field, String reason) {
            if (!ok) {
                throw new ProfileFormatException(file + ": field " + field + ": " + reason);
            }
        }

        void positive(String field, Integer value) {
            require(value != null && value > 0, field, "must be an integer > 0, got " + value);
        }
    }
}
