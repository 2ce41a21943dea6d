/*
 * Inverted dropout with the Philox-4x32-10 stream of io.kiln.core.Philox, so the mask equals the reference's bit
 * for bit: element e = offset + i uses counter (e >> 2) as (lo, hi, 0, 0), key seed as (lo, hi), output word e & 3;
 * it is kept when (word >> 8)*2^-24 >= p, and then y = x*scale with scale = float(1/(1 - p)) (0 when p = 1).
 * Forward and backward are the same map. Values: one float multiply, exact as the reference's.
 */

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

inline uint4 philox4x32_10(ulong counter, ulong key) {
    uint c0 = (uint) counter;
    uint c1 = (uint) (counter >> 32);
    uint c2 = 0;
    uint c3 = 0;
    uint k0 = (uint) key;
    uint k1 = (uint) (key >> 32);
    for (int r = 0; r < 10; r++) {
        const uint hi0 = mul_hi(PHILOX_M0, c0);
        const uint lo0 = PHILOX_M0 * c0;
        const uint hi1 = mul_hi(PHILOX_M1, c2);
        const uint lo1 = PHILOX_M1 * c2;
        const uint n0 = hi1 ^ c1 ^ k0;
        const uint n2 = hi0 ^ c3 ^ k1;
        c0 = n0;
        c1 = lo1;
        c2 = n2;
        c3 = lo0;
        k0 += PHILOX_W0;
        k1 += PHILOX_W1;
    }
    return (uint4)(c0, c1, c2, c3);
}

/* One Philox block (4 elements) per work-item: block (offset >> 2) + gid covers elements 4*block .. 4*block + 3. */
__kernel void dropout(__global const float* x, __global float* y, const int n, const ulong seed,
                      const ulong offset, const float p, const float scale) {
    const ulong block = (offset >> 2) + get_global_id(0);
    /* Element indices wrap modulo 2^64 (as Java's long offset + i), so block numbers wrap modulo 2^62. */
    const uint4 w = philox4x32_10(block & 0x3FFFFFFFFFFFFFFFul, seed);
    const long first = (long) (block * 4 - offset); /* index i of word 0; may be negative for the first block */
    const float4 u = convert_float4(w >> 8) * 0x1.0p-24f;
    const int4 keep = u >= p;
    if (first >= 0 && first + 4 <= n) {
        const float4 xv = vload4(0, x + first);
        vstore4(select((float4)(0.0f), xv * scale, keep), 0, y + first);
    } else {
        const float uu[4] = {u.x, u.y, u.z, u.w};
        for (int l = 0; l < 4; l++) {
            const long i = first + l;
            if (i >= 0 && i < n) y[i] = uu[l] >= p ? x[i] * scale : 0.0f;
        }
    }
}
