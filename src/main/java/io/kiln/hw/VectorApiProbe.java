package io.kiln.hw;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Reads the Vector API's preferred float species. The API lives in the incubator module {@code jdk.incubator.vector};
 * a JVM started without {@code --add-modules jdk.incubator.vector} cannot load it, and this reports that instead of
 * failing. The class touching {@link FloatVector} is nested so that loading this one never needs the module.
 */
final class VectorApiProbe {
    private VectorApiProbe() {
    }

    static HostInfo.VectorApi probe() {
        try {
            return Species.preferred();
        } catch (LinkageError e) {
            return new HostInfo.VectorApi(false, null, 0, 0,
                    "jdk.incubator.vector is not in the module graph (" + e.getClass().getSimpleName()
                            + "); start the JVM with --add-modules jdk.incubator.vector");
        }
    }

    private static final class Species {
        static HostInfo.VectorApi preferred() {
            VectorSpecies<Float> s = FloatVector.SPECIES_PREFERRED;
            return new HostInfo.VectorApi(true, s.toString(), s.length(), s.vectorBitSize(), null);
        }
    }
}
