#include "CImageShims.h"
#include <png.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>

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

int ebsd_png_read_size(const char *path, uint32_t *width, uint32_t *height, int *colour, char *err, size_t errlen) {
    png_image image; memset(&image, 0, sizeof image); image.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&image, path)) { copy_msg(err, errlen, image.message); return 1; }
    *width = image.width; *height = image.height;
    if (colour) *colour = (image.format & PNG_FORMAT_FLAG_COLOR) ? 1 : 0;
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

int ebsd_png_is_16bit(const char *path, char *err, size_t errlen) {
    png_image image; memset(&image, 0, sizeof image); image.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&image, path)) { copy_msg(err, errlen, image.message); return -1; }
    int sixteen = (image.format & PNG_FORMAT_FLAG_LINEAR) ? 1 : 0;
    png_image_free(&image);
    return sixteen;
}

/* A 16-bit file without a gAMA chunk is read as linear by the simplified API, so its samples pass unchanged. */
int ebsd_png_read16(const char *path, int channels, uint16_t *buffer, size_t bufferCount, char *err, size_t errlen) {
    png_image image; memset(&image, 0, sizeof image); image.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&image, path)) { copy_msg(err, errlen, image.message); return 1; }
    image.format = channels == 1 ? PNG_FORMAT_LINEAR_Y : PNG_FORMAT_LINEAR_RGB;
    if ((size_t)PNG_IMAGE_SIZE(image) != bufferCount * sizeof(uint16_t)) {
        png_image_free(&image); copy_msg(err, errlen, "buffer size does not match the image"); return 2;
    }
    if (!png_image_finish_read(&image, NULL, buffer, 0, NULL)) { copy_msg(err, errlen, image.message); return 3; }
    return 0;
}

/// A png_image header for writing gray8 (1), RGB8 (3) or RGBA8 (4) pixels, fast compression where libpng offers it.
static png_image write_image(uint32_t width, uint32_t height, int channels) {
    png_image image; memset(&image, 0, sizeof image); image.version = PNG_IMAGE_VERSION;
    image.width = width; image.height = height;
    image.format = channels == 1 ? PNG_FORMAT_GRAY : (channels == 4 ? PNG_FORMAT_RGBA : PNG_FORMAT_RGB);
#ifdef PNG_IMAGE_FLAG_FAST
    image.flags |= PNG_IMAGE_FLAG_FAST;
#endif
    return image;
}

int ebsd_png_write(const char *path, uint32_t width, uint32_t height, int channels,
                   const uint8_t *pixels, char *err, size_t errlen) {
    png_image image = write_image(width, height, channels);
    if (!png_image_write_to_file(&image, path, 0, pixels, 0, NULL)) { copy_msg(err, errlen, image.message); return 1; }
    return 0;
}

int ebsd_png_encode(uint32_t width, uint32_t height, int channels, const uint8_t *pixels, uint8_t **out, size_t *length,
                    char *err, size_t errlen) {
    png_image image = write_image(width, height, channels);
    png_alloc_size_t size = 0;
    if (!png_image_write_to_memory(&image, NULL, &size, 0, pixels, 0, NULL)) { copy_msg(err, errlen, image.message); return 1; }
    uint8_t *buffer = malloc(size);
    if (buffer == NULL) { copy_msg(err, errlen, "out of memory"); return 1; }
    if (!png_image_write_to_memory(&image, buffer, &size, 0, pixels, 0, NULL)) {
        free(buffer); copy_msg(err, errlen, image.message); return 1;
    }
    *out = buffer; *length = size;
    return 0;
}

/* ---- libjpeg ---- */
#include <setjmp.h>
#include <jpeglib.h>

struct ebsd_jpeg_error {
    struct jpeg_error_mgr base;
    jmp_buf jump;
};

static void ebsd_jpeg_error_exit(j_common_ptr cinfo) {
    struct ebsd_jpeg_error *e = (struct ebsd_jpeg_error *)cinfo->err;
    longjmp(e->jump, 1);
}

static void ebsd_jpeg_silent(j_common_ptr cinfo, int level) { (void)cinfo; (void)level; }

/// Decodes `path`: its size and components always; with `buffer`, the pixels as 8-bit gray (libjpeg's Y for colour
/// images). libjpeg's errors jump back here (the libjpeg example's pattern) instead of calling exit().
static int ebsd_jpeg_decode(const char *path, uint32_t *width, uint32_t *height, int *components, uint8_t *buffer,
                            size_t bufferSize, char *err, size_t errlen) {
    FILE *file = fopen(path, "rb");
    if (!file) {
        snprintf(err, errlen, "cannot open the file");
        return 1;
    }
    struct jpeg_decompress_struct cinfo;
    struct ebsd_jpeg_error jerr;
    cinfo.err = jpeg_std_error(&jerr.base);
    jerr.base.error_exit = ebsd_jpeg_error_exit;
    jerr.base.emit_message = ebsd_jpeg_silent;
    jpeg_create_decompress(&cinfo);
    if (setjmp(jerr.jump)) {
        char msg[JMSG_LENGTH_MAX];
        (*cinfo.err->format_message)((j_common_ptr)&cinfo, msg);
        snprintf(err, errlen, "not a readable JPEG: %s", msg);
        jpeg_destroy_decompress(&cinfo);
        fclose(file);
        return 1;
    }
    jpeg_stdio_src(&cinfo, file);
    jpeg_read_header(&cinfo, TRUE);
    if (width) *width = cinfo.image_width;
    if (height) *height = cinfo.image_height;
    if (components) *components = cinfo.num_components;
    if (buffer) {
        cinfo.out_color_space = JCS_GRAYSCALE;
        jpeg_start_decompress(&cinfo);
        size_t rowBytes = (size_t)cinfo.output_width;
        if (cinfo.output_components != 1 || rowBytes * cinfo.output_height != bufferSize) {
            snprintf(err, errlen, "decoded size %ux%u does not match the buffer", cinfo.output_width, cinfo.output_height);
            jpeg_destroy_decompress(&cinfo);
            fclose(file);
            return 1;
        }
        while (cinfo.output_scanline < cinfo.output_height) {
            JSAMPROW row = buffer + rowBytes * cinfo.output_scanline;
            jpeg_read_scanlines(&cinfo, &row, 1);
        }
        jpeg_finish_decompress(&cinfo);
    }
    jpeg_destroy_decompress(&cinfo);
    fclose(file);
    return 0;
}

int ebsd_jpeg_read_size(const char *path, uint32_t *width, uint32_t *height, int *components, char *err, size_t errlen) {
    return ebsd_jpeg_decode(path, width, height, components, NULL, 0, err, errlen);
}

int ebsd_jpeg_read_gray(const char *path, uint8_t *buffer, size_t bufferSize, char *err, size_t errlen) {
    return ebsd_jpeg_decode(path, NULL, NULL, NULL, buffer, bufferSize, err, errlen);
}
