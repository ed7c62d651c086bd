/// Thin C shims over libtiff and libpng for the calls Swift cannot make
/// directly: libtiff's variadic TIFFGetField/TIFFSetField, and libpng's
/// png_image API whose sizes and versions are function-like macros.
#ifndef EBSD_CIMAGESHIMS_H
#define EBSD_CIMAGESHIMS_H
#include <stdint.h>
#include <stddef.h>
#include <tiffio.h>

/* ---- libtiff: typed wrappers around the variadic tag accessors ---- */
int ebsd_tiff_get_u32(TIFF *tif, uint32_t tag, uint32_t *value);
int ebsd_tiff_get_u16(TIFF *tif, uint32_t tag, uint16_t *value);
/// Returns a pointer owned by libtiff (valid until the directory changes), or NULL.
const char *ebsd_tiff_get_string(TIFF *tif, uint32_t tag);
int ebsd_tiff_set_u32(TIFF *tif, uint32_t tag, uint32_t value);
int ebsd_tiff_set_u16(TIFF *tif, uint32_t tag, uint16_t value);
int ebsd_tiff_set_string(TIFF *tif, uint32_t tag, const char *value);
/// Silences libtiff's default stderr warning/error handlers (errors are
/// reported through return codes and Swift errors instead).
void ebsd_tiff_quiet(void);

/* ---- libpng: simplified png_image API ---- */
/// Reads the header only. Returns 0 on success, non-zero with a message in err.
int ebsd_png_read_size(const char *path, uint32_t *width, uint32_t *height, int *colour,
                       char *err, size_t errlen);
/// Reads the whole image converted to `channels` (1 = gray8, 3 = RGB8) into
/// `buffer` of exactly width*height*channels bytes.
int ebsd_png_read(const char *path, int channels, uint8_t *buffer, size_t bufferSize,
                  char *err, size_t errlen);
/// Writes gray8 (channels 1), RGB8 (3) or RGBA8 (4) pixels, rows top to bottom.
/// Whether the PNG holds 16-bit samples (1) or 8-bit or fewer (0); -1 with a message in err.
int ebsd_png_is_16bit(const char *path, char *err, size_t errlen);
/// Reads a 16-bit PNG's samples unchanged as gray (channels 1) or RGB (channels 3) into `buffer` of exactly
/// width*height*channels values. Returns 0 on success.
int ebsd_png_read16(const char *path, int channels, uint16_t *buffer, size_t bufferCount, char *err, size_t errlen);
int ebsd_png_write(const char *path, uint32_t width, uint32_t height, int channels,
                   const uint8_t *pixels, char *err, size_t errlen);
/// Encodes gray8/RGB8/RGBA8 pixels as a PNG in memory: the bytes in a malloc'd buffer the caller frees (*out),
/// its length in *length. Returns 0 on success.
int ebsd_png_encode(uint32_t width, uint32_t height, int channels, const uint8_t *pixels, uint8_t **out, size_t *length,
                    char *err, size_t errlen);

/* ---- libjpeg(-turbo): decoding with errors returned, not exit() ---- */
/// Reads a JPEG's size and its number of colour components. Returns 0 on success, non-zero with a message in err.
int ebsd_jpeg_read_size(const char *path, uint32_t *width, uint32_t *height, int *components, char *err, size_t errlen);
/// Decodes a JPEG as 8-bit gray (colour images: libjpeg's luminance Y) into `buffer` of width*height bytes.
int ebsd_jpeg_read_gray(const char *path, uint8_t *buffer, size_t bufferSize, char *err, size_t errlen);
#endif
