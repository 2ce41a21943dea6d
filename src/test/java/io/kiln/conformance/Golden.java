package io.kiln.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Loads the PyTorch golden vectors copied from ../shared/golden into the test resources (golden/*.json). */
public final class Golden {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, List<JsonNode>> CACHE = new ConcurrentHashMap<>();

    private Golden() {
    }

    /** The cases of golden/{file}.json. */
    public static List<JsonNode> cases(String file) {
        return CACHE.computeIfAbsent(file, f -> {
            String path = "/golden/" + f + ".json";
            try (InputStream in = Golden.class.getResourceAsStream(path)) {
                if (in == null) {
                    throw new IllegalStateException("missing test resource " + path);
                }
                List<JsonNode> out = new ArrayList<>();
                JSON.readTree(in).get("cases").forEach(out::add);
                return out;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    public static float[] floats(JsonNode node) {
        float[] out = new float[node.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) node.get(i).asDouble();
        }
        return out;
    }

    public static int[] ints(JsonNode node) {
        int[] out = new int[node.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = node.get(i).asInt();
        }
        return out;
    }

    public static int[] shape(JsonNode c) {
        return ints(c.get("shape"));
    }
}
