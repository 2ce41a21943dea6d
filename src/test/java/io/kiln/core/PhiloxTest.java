package io.kiln.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PhiloxTest {

    /** Random123's known-answer vectors for philox4x32-10 (kat_vectors: counter words, key words, output). */
    @Test
    void random123KnownAnswers() {
        int[] out = new int[4];
        Philox.block(0, 0, 0, 0, 0, 0, out);
        assertArrayEquals(new int[] {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}, out, "counter 0, key 0");
        Philox.block(-1, -1, -1, -1, -1, -1, out);
        assertArrayEquals(new int[] {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}, out, "all ones");
        Philox.block(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, out);
        assertArrayEquals(new int[] {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}, out, "digits of pi");
    }

    @Test
    void blockUsesTheElementIndexAsTheLowCounterWordsAndTheSeedAsTheKey() {
        int[] out = new int[4];
        Philox.block(0L, 0L, out);
        assertArrayEquals(new int[] {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}, out);
        int[] expected = new int[4];
        long seed = 0x299f31d0a4093822L;
        long block = 0x85a308d3243f6a88L;
        Philox.block(0x243f6a88, 0x85a308d3, 0, 0, 0xa4093822, 0x299f31d0, expected);
        Philox.block(seed, block, out);
        assertArrayEquals(expected, out);
    }

    @Test
    void wordTakesWordEAnd3OfBlockEShiftedRight2() {
        int[] out = new int[4];
        long seed = -1234567890123L;
        for (long block : new long[] {0, 1, 2, 12345, (1L << 40) + 7, Long.MAX_VALUE >>> 2}) {
            Philox.block(seed, block, out);
            for (int j = 0; j < 4; j++) {
                assertEquals(out[j], Philox.word(seed, 4 * block + j), "element " + (4 * block + j));
            }
        }
        // a negative element index (offset + i overflowing) is still a deterministic, valid draw
        Philox.block(seed, -1L >>> 2, out);
        assertEquals(out[3], Philox.word(seed, -1L));
    }

    @Test
    void uniformTakesTheTop24BitsAndLiesInZeroOne() {
        assertEquals(0f, Philox.toUniform(0));
        assertEquals(0f, Philox.toUniform(0xFF), "the low 8 bits are dropped");
        assertEquals(0x1.0p-24f, Philox.toUniform(0x100));
        assertEquals(0.5f, Philox.toUniform(0x80000000));
        assertEquals(1f - 0x1.0p-24f, Philox.toUniform(-1));
        assertTrue(Philox.toUniform(-1) < 1f);
        long seed = 99;
        for (long e = 0; e < 1000; e++) {
            float u = Philox.uniform(seed, e);
            assertTrue(u >= 0f && u < 1f, "uniform " + u);
            assertEquals(Philox.toUniform(Philox.word(seed, e)), u);
        }
    }

    @Test
    void keepIsUniformAtLeastP() {
        assertTrue(Philox.keep(0f, 0), "p = 0 keeps everything, even uniform 0");
        assertFalse(Philox.keep(1f, -1), "p = 1 drops everything, even the largest uniform");
        assertTrue(Philox.keep(0.5f, 0x80000000), "uniform 0.5 >= 0.5");
        assertFalse(Philox.keep(0.5f, 0x7fffffff), "uniform 0.5 - 2^-24 < 0.5");
    }

    @Test
    void drawsLookUniformAndDependOnTheSeed() {
        int n = 160_000;
        int[] buckets = new int[16];
        double sum = 0;
        int same = 0;
        for (long e = 0; e < n; e++) {
            float u = Philox.uniform(42, e);
            sum += u;
            buckets[(int) (u * 16)]++;
            if (Philox.word(42, e) == Philox.word(43, e)) {
                same++;
            }
        }
        double mean = sum / n;
        double sigma = Math.sqrt(1.0 / 12 / n);
        assertTrue(Math.abs(mean - 0.5) < 6 * sigma, "mean " + mean);
        double chi2 = 0;
        double expected = n / 16.0;
        for (int b : buckets) {
            chi2 += (b - expected) * (b - expected) / expected;
        }
        // 15 degrees of freedom: P(chi2 > 50) ≈ 1e-5
        assertTrue(chi2 < 50, "chi² over 16 buckets " + chi2);
        assertTrue(same < 5, same + " equal words under seeds 42 and 43");
        assertNotEquals(Philox.word(0, 0), Philox.word(0, 4), "adjacent blocks differ");
    }
}
