package io.kiln.graph;

import io.kiln.core.Backend;
import io.kiln.core.Backends;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void gelu() {
        Backend be = Backends.select("reference");
        Graph g = new Graph("gelu");
        Input x = g.input("x", 4, 8);
        Node y = x.mul(0.5f).mul(x.mul(x).mul(0.044715f).add(1f).mul(x).mul(0.79788456f).tanh().add(1f));
        g.output("y", y);
        try (Executable exe = g.compile(be, CompileOptions.defaults().dumpPasses(true))) {
            float[] in = new float[32];
            for (int i = 0; i < 32; i++) in[i] = i / 4f - 4;
            exe.run(Map.of(x, in));
            System.out.println(exe.optimizedGraph().toText());
            System.out.println(java.util.Arrays.toString(exe.output("y")));
            System.out.println(exe.kernels());
        }
    }
}
