/// Low-precision kernels of dictionary matching: per-row int8 quantisation and
/// the int8 score block `C (m×n) = A (m×k) · Bᵀ` on AVX-512 VNNI (`vpdpbusd`:
/// 64 u8×s8 multiply-adds per instruction), with a portable scalar kernel that
/// gives bit-identical results on machines without VNNI.
///
/// Layouts. Measured rows A: int8, row-major, `kPadded` bytes per row (k rounded
/// up to a multiple of 4, padding zero), with a scale s_i and the sum of the row's
/// int8 values. Dictionary B: packed in panels of 32 rows; inside a panel, k-quad q
/// holds 32 × 4 bytes (row j's values 4q…4q+3 at 4j), each stored as the int8
/// value + 128 (unsigned, as `vpdpbusd` wants its first operand); a panel's missing
/// rows are 128 (value 0). Scores: C[i][j] = (Σ (b+128)·a − 128·Σa) · (s_i · t_j),
/// i.e. the int8 dot product rescaled to the units of the unquantised rows.
#ifndef EBSD_MATCH_KERNELS_H
#define EBSD_MATCH_KERNELS_H
#include <stdint.h>

/// Rows of a dictionary panel.
#define EBSD_I8_PANEL_ROWS 32

/// 1 when this CPU runs the VNNI kernel (AVX-512 F, BW and VNNI), else 0.
int ebsd_i8_vnni_available(void);

/// Quantises `rows` float rows of length `k` (stride `k`) to int8 with one scale per
/// row (max |x| ↦ 127, round to nearest): `q` gets `rows × kPadded` bytes (padding
/// zero), `scale` the factor back to float, `sum` the sum of each row's int8 values.
void ebsd_i8_quantize(const float *x, long rows, long k, long kPadded, int8_t *q, float *scale, int32_t *sum);

/// Packs `rows` int8 rows (stride `kPadded`) into ceil(rows/32) panels of
/// `32 × kPadded` bytes (layout above).
void ebsd_i8_pack_panels(const int8_t *q, long rows, long kPadded, uint8_t *panels);

/// Quantises `rows` float rows (stride `k`) as `ebsd_i8_quantize` does and packs them straight into panels
/// (`ceil(rows/32)` of them), with their scales: the dictionary side in one pass.
void ebsd_i8_quantize_panels(const float *x, long rows, long k, long kPadded, uint8_t *panels, float *scale);

/// Scores measured rows `a` (m rows, stride kPadded, scales `aScale`, sums `aSum`) against
/// dictionary panels `firstPanel ..< firstPanel + panelCount` of `panels` (`bRows` rows in
/// all, scales `bScale`) into `c` (row i, column j − 32·firstPanel at c[i·ldc + …]).
/// `vnni` 0 forces the scalar kernel.
void ebsd_i8_scores(const int8_t *a, long m, long kPadded, const float *aScale, const int32_t *aSum,
                    const uint8_t *panels, long bRows, const float *bScale, long firstPanel, long panelCount,
                    float *c, long ldc, int vnni);
#endif
