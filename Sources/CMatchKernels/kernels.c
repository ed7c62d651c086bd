#include "match_kernels.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <immintrin.h>

#define PANEL EBSD_I8_PANEL_ROWS
/// Measured rows per register tile of the VNNI kernel (2 × 12 accumulators + 2 panel vectors ≤ 32 zmm).
#define TILE_ROWS 12
#define OFFSET 128

int ebsd_i8_vnni_available(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vnni");
#else
    return 0;
#endif
}

/// Quantises one row into `out` (kPadded bytes, padding zero): the row's largest |x| ↦ 127, x · (127 / peak) rounded
/// to nearest even (the default rounding of `vcvtps2dq`, as of `nearbyintf`), clamped to ±127.
static void quantize_row(const float *row, long k, long kPadded, int8_t *out, float *scale, int32_t *sum) {
    const __m256 absMask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7FFFFFFF));
    __m256 vpeak = _mm256_setzero_ps();
    long i = 0;
    for (; i + 8 <= k; i += 8) vpeak = _mm256_max_ps(vpeak, _mm256_and_ps(_mm256_loadu_ps(row + i), absMask));
    float lanes[8], peak = 0;
    _mm256_storeu_ps(lanes, vpeak);
    for (int l = 0; l < 8; l++) peak = fmaxf(peak, lanes[l]);
    for (; i < k; i++) peak = fmaxf(peak, fabsf(row[i]));
    float inv = peak > 0 ? 127.0f / peak : 1.0f;
    const __m256 vinv = _mm256_set1_ps(inv);
    const __m256i hi = _mm256_set1_epi32(127), lo = _mm256_set1_epi32(-127), order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    __m256i vsum = _mm256_setzero_si256();
    i = 0;
    for (; i + 32 <= k; i += 32) {
        __m256i q[4];
        for (int b = 0; b < 4; b++) {
            q[b] = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(row + i + 8 * b), vinv));
            q[b] = _mm256_min_epi32(hi, _mm256_max_epi32(lo, q[b]));
            vsum = _mm256_add_epi32(vsum, q[b]);
        }
        __m256i w01 = _mm256_packs_epi32(q[0], q[1]), w23 = _mm256_packs_epi32(q[2], q[3]);
        __m256i bytes = _mm256_permutevar8x32_epi32(_mm256_packs_epi16(w01, w23), order);
        _mm256_storeu_si256((__m256i *)(out + i), bytes);
    }
    int32_t sums[8], total = 0;
    _mm256_storeu_si256((__m256i *)sums, vsum);
    for (int l = 0; l < 8; l++) total += sums[l];
    for (; i < k; i++) {
        int32_t v = (int32_t)nearbyintf(row[i] * inv);
        v = v > 127 ? 127 : v < -127 ? -127 : v;
        out[i] = (int8_t)v;
        total += v;
    }
    for (; i < kPadded; i++) out[i] = 0;
    *scale = peak > 0 ? peak / 127.0f : 1.0f;
    *sum = total;
}

void ebsd_i8_quantize(const float *x, long rows, long k, long kPadded, int8_t *q, float *scale, int32_t *sum) {
    for (long r = 0; r < rows; r++) quantize_row(x + r * k, k, kPadded, q + r * kPadded, scale + r, sum + r);
}

/// Offsets a quantised row's bytes by 128 (int8 → uint8: flip the top bit) and scatters its k-quads into a panel.
static void scatter_row(const int8_t *row, long kPadded, long j, uint8_t *panel) {
    long quads = kPadded / 4;
    for (long t = 0; t < quads; t++) {
        uint32_t word;
        memcpy(&word, row + 4 * t, 4);
        word ^= 0x80808080u;
        memcpy(panel + t * 4 * PANEL + 4 * j, &word, 4);
    }
}

/// Packs `rows` rows into panels: from float rows `x` (stride k), quantised on the way with their scales into
/// `scale`, or, when `x` is NULL, from int8 rows `q` (stride kPadded). A panel's missing rows hold value 0.
static void pack_rows(const float *x, const int8_t *q, long rows, long k, long kPadded, uint8_t *panels, float *scale) {
    int8_t *row = x ? malloc((size_t)kPadded) : NULL;
    int32_t sum;
    if (x && !row) return;
    long panelCount = (rows + PANEL - 1) / PANEL;
    for (long p = 0; p < panelCount; p++) {
        uint8_t *panel = panels + p * PANEL * kPadded;
        for (long j = 0; j < PANEL; j++) {
            long r = p * PANEL + j;
            if (r >= rows) {
                for (long t = 0; t < kPadded / 4; t++) memset(panel + t * 4 * PANEL + 4 * j, OFFSET, 4);
            } else if (x) {
                quantize_row(x + r * k, k, kPadded, row, scale + r, &sum);
                scatter_row(row, kPadded, j, panel);
            } else {
                scatter_row(q + r * kPadded, kPadded, j, panel);
            }
        }
    }
    free(row);
}

void ebsd_i8_pack_panels(const int8_t *q, long rows, long kPadded, uint8_t *panels) {
    pack_rows(NULL, q, rows, 0, kPadded, panels, NULL);
}

void ebsd_i8_quantize_panels(const float *x, long rows, long k, long kPadded, uint8_t *panels, float *scale) {
    pack_rows(x, NULL, rows, k, kPadded, panels, scale);
}

/// The reference: the same integer sums and the same float rescaling, one product at a time.
static void scalar_scores(const int8_t *a, long m, long kPadded, const float *aScale, const int32_t *aSum,
                          const uint8_t *panels, long bRows, const float *bScale, long firstPanel, long panelCount,
                          float *c, long ldc) {
    long quads = kPadded / 4;
    for (long p = firstPanel; p < firstPanel + panelCount; p++) {
        const uint8_t *panel = panels + p * PANEL * kPadded;
        for (long i = 0; i < m; i++) {
            const int8_t *row = a + i * kPadded;
            for (long j = 0; j < PANEL && p * PANEL + j < bRows; j++) {
                int32_t acc = 0;
                for (long t = 0; t < quads; t++)
                    for (int b = 0; b < 4; b++) acc += (int32_t)panel[t * 4 * PANEL + 4 * j + b] * (int32_t)row[4 * t + b];
                float s = aScale[i] * bScale[p * PANEL + j];
                c[i * ldc + (p - firstPanel) * PANEL + j] = (float)(acc - OFFSET * aSum[i]) * s;
            }
        }
    }
}

#if defined(__x86_64__)
#define VNNI __attribute__((target("avx512f,avx512bw,avx512vnni,avx512dq,avx512vl")))

/// k-quads per k-block: a panel's slice (32 × 1 KiB) stays in L1 while the tiles of a row block pass over it.
#define BLOCK_QUADS 256
/// Bytes of one k-block of a row block's rows (252 rows × 1 KiB).
#define ROW_BLOCK_BYTES (256 * 1024)

/// One tile: `ROWS` measured rows × one panel over k-quads `quads` (pointers already at the block's first quad).
/// The first k-block starts from zero, later ones from the int32 sums left in c; the last rescales them to float.
VNNI static inline __attribute__((always_inline)) void vnni_tile(
    const int ROWS, const int8_t *a, long kPadded, long quads, const float *aScale, const int32_t *aSum, const uint8_t *panel,
    const float *bScale, long columns, float *c, long ldc, int first, int last) {
    __m512i lo[TILE_ROWS], hi[TILE_ROWS];
    __mmask16 mlo = columns >= 16 ? 0xFFFF : (__mmask16)((1u << columns) - 1);
    __mmask16 mhi = columns >= 32 ? 0xFFFF : columns <= 16 ? 0 : (__mmask16)((1u << (columns - 16)) - 1);
#pragma clang loop unroll(full)
    for (int r = 0; r < TILE_ROWS; r++) {
        if (r >= ROWS) break;
        if (first) {
            lo[r] = hi[r] = _mm512_setzero_si512();
        } else {
            lo[r] = _mm512_maskz_loadu_epi32(mlo, c + r * ldc);
            hi[r] = _mm512_maskz_loadu_epi32(mhi, c + r * ldc + 16);
        }
    }
    for (long t = 0; t < quads; t++) {
        __m512i b0 = _mm512_loadu_si512(panel + t * 4 * PANEL), b1 = _mm512_loadu_si512(panel + t * 4 * PANEL + 64);
#pragma clang loop unroll(full)
        for (int r = 0; r < TILE_ROWS; r++) {
            if (r >= ROWS) break;
            int32_t word;
            memcpy(&word, a + r * kPadded + 4 * t, 4);
            __m512i av = _mm512_set1_epi32(word);
            lo[r] = _mm512_dpbusd_epi32(lo[r], b0, av);
            hi[r] = _mm512_dpbusd_epi32(hi[r], b1, av);
        }
    }
    if (!last) {
#pragma clang loop unroll(full)
        for (int r = 0; r < TILE_ROWS; r++) {
            if (r >= ROWS) break;
            _mm512_mask_storeu_epi32(c + r * ldc, mlo, lo[r]);
            _mm512_mask_storeu_epi32(c + r * ldc + 16, mhi, hi[r]);
        }
        return;
    }
    __m512 t0 = _mm512_maskz_loadu_ps(mlo, bScale), t1 = _mm512_maskz_loadu_ps(mhi, bScale + 16);
#pragma clang loop unroll(full)
    for (int r = 0; r < TILE_ROWS; r++) {
        if (r >= ROWS) break;
        __m512i corr = _mm512_set1_epi32(OFFSET * aSum[r]);
        __m512 s = _mm512_set1_ps(aScale[r]);
        __m512 f0 = _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_sub_epi32(lo[r], corr)), _mm512_mul_ps(s, t0));
        __m512 f1 = _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_sub_epi32(hi[r], corr)), _mm512_mul_ps(s, t1));
        _mm512_mask_storeu_ps(c + r * ldc, mlo, f0);
        _mm512_mask_storeu_ps(c + r * ldc + 16, mhi, f1);
    }
}

#define TILE_CASE(n) \
    case n: \
        vnni_tile(n, a + i * kPadded + 4 * q0, kPadded, nq, aScale + i, aSum + i, slice, bs, cols, out + i * ldc, ldc, first, last); \
        break;

/// Row blocks × panels × k-blocks × tiles of 12 rows: a tile's int32 partial sums stay in L1 between k-blocks,
/// a row block's rows in L2 while the panels pass, each panel's k-slice in L1 while the row block's tiles pass.
VNNI static void vnni_scores(const int8_t *a, long m, long kPadded, const float *aScale, const int32_t *aSum,
                             const uint8_t *panels, long bRows, const float *bScale, long firstPanel, long panelCount,
                             float *c, long ldc) {
    long quads = kPadded / 4;
    long rowBlock = ROW_BLOCK_BYTES / (4 * BLOCK_QUADS) / TILE_ROWS * TILE_ROWS;
    for (long r0 = 0; r0 < m; r0 += rowBlock) {
        long r1 = r0 + rowBlock < m ? r0 + rowBlock : m;
        for (long p = firstPanel; p < firstPanel + panelCount; p++) {
            long cols = bRows - p * PANEL < PANEL ? bRows - p * PANEL : PANEL;
            const float *bs = bScale + p * PANEL;
            float *out = c + (p - firstPanel) * PANEL;
            for (long q0 = 0; q0 < quads; q0 += BLOCK_QUADS) {
                long nq = quads - q0 < BLOCK_QUADS ? quads - q0 : BLOCK_QUADS;
                int first = q0 == 0, last = q0 + nq == quads;
                const uint8_t *slice = panels + p * PANEL * kPadded + q0 * 4 * PANEL;
                long i = r0;
                for (; i + TILE_ROWS <= r1; i += TILE_ROWS)
                    vnni_tile(TILE_ROWS, a + i * kPadded + 4 * q0, kPadded, nq, aScale + i, aSum + i, slice, bs, cols, out + i * ldc, ldc,
                              first, last);
                switch (r1 - i) {
                    TILE_CASE(1) TILE_CASE(2) TILE_CASE(3) TILE_CASE(4) TILE_CASE(5) TILE_CASE(6)
                    TILE_CASE(7) TILE_CASE(8) TILE_CASE(9) TILE_CASE(10) TILE_CASE(11)
                    default: break;
                }
            }
        }
    }
}
#endif

void ebsd_i8_scores(const int8_t *a, long m, long kPadded, const float *aScale, const int32_t *aSum,
                    const uint8_t *panels, long bRows, const float *bScale, long firstPanel, long panelCount,
                    float *c, long ldc, int vnni) {
#if defined(__x86_64__)
    if (vnni && ebsd_i8_vnni_available()) {
        vnni_scores(a, m, kPadded, aScale, aSum, panels, bRows, bScale, firstPanel, panelCount, c, ldc);
        return;
    }
#endif
    scalar_scores(a, m, kPadded, aScale, aSum, panels, bRows, bScale, firstPanel, panelCount, c, ldc);
}
