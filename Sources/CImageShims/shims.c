#include "CImageShims.h"
#include <png.h>
#include <string.h>
#include <stdio.h>

int ebsd_tiff_get_u32(TIFF *tif, uint32_t tag, uint32_t *value) { return TIFFGetField(tif, tag, value); }
int ebsd_tiff_get_u16(TIFF *tif, uint32_t tag, uint16_t *value) { return TIFFGetField(tif, tag, value); }
const char *ebsd_tiff_get_string(TIFF *tif, uint32_t tag) {
    char *s = NULL;
    if (TIFFGetField(tif, tag, &s) != 1) return NULL;
    return s;
}
int ebsd_tiff_set_u32(TIFF *tif, uint32_t tag, uint32_t value) { return TIFFSetField(tif, tag, value); }
int ebsd_tiff_set_u16(TIFF *tif, uint32_t tag, uint16_t value) { return TIFFSetField(tif, tag, (int)value); }
int ebsd_tiff_set_string(TIFF *tif, uint32_t tag, const char *value) { return TIFFSetField(tif, tag, value); }
void ebsd_tiff_quiet(void) { TIFFSetWarningHandler(NULL); TIFFSetErrorHandler(NULL); }

static void copy_msg(char *err, size_t errlen, const char *msg) {
    if (err && errlen > 0) { strncpy(err, msg, errlen - 1); err[errlen - 1] = 0; }
}

int ebsd_png_read_size(const char *path, uint32_t *width, uint32_t *height, char *err, size_t errlen) {
    png_image image; memset(&image, 0, sizeof image); image.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&image, path)) { copy_msg(err, errlen, image.message); return 1; }
    *width = image.width; *height = image.height;
    png_image_free(&image);
    return 0;
}

int ebsd_png_read(const char *path, int channels, uint8_t *buffer, size_t bufferSize, char *err, size_t errlen) {
    png_image image; memset(&image, 0, sizeof image); image.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&image, path)) { copy_msg(err, errlen, image.message); return 1; }
    image.format = channels == 1 ? PNG_FORMAT_GRAY : PNG_FORMAT_RGB;
    if ((size_t)PNG_IMAGE_SIZE(image) != bufferSize) {
        png_image_free(&image); copy_msg(err, errlen, "buffer size does not match the image"); return 2;
    }
    if (!png_image_finish_read(&image, NULL, buffer, 0, NULL)) { copy_msg(err, errlen, image.message); return 3; }
    return 0;
}

int ebsd_png_write(const char *path, uint32_t width, uint32_t height, int channels,
                   const uint8_t *pixels, char *err, size_t errlen) {
    png_image image; memset(&image, 0, sizeof image); image.version = PNG_IMAGE_VERSION;
    image.width = width; image.height = height;
    image.format = channels == 1 ? PNG_FORMAT_GRAY : (channels == 4 ? PNG_FORMAT_RGBA : PNG_FORMAT_RGB);
#ifdef PNG_IMAGE_FLAG_FAST
    image.flags |= PNG_IMAGE_FLAG_FAST;
#endif
    if (!png_image_write_to_file(&image, path, 0, pixels, 0, NULL)) { copy_msg(err, errlen, image.message); return 1; }
    return 0;
}
