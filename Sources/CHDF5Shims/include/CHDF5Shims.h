#ifndef EBSD_HDF5_SHIMS_H
#define EBSD_HDF5_SHIMS_H
#include <stddef.h>
#include <stdint.h>

/// A small C layer over libhdf5 for what Swift cannot call directly (the H5T_NATIVE_* and H5P_DEFAULT
/// macros, variadic error handlers, string datatypes). Every function returns a negative value on
/// failure and never prints (the library's automatic error stack printing is switched off).
/// libhdf5 is not thread-safe in Debian's serial build: callers serialise all calls.

/// Opens an HDF5 file read-only; < 0 when it is not an HDF5 file or cannot be opened.
int64_t ebsd_h5_open(const char *path);
/// Creates (truncates) an HDF5 file for writing.
int64_t ebsd_h5_create(const char *path);
void ebsd_h5_close(int64_t file);
int64_t ebsd_h5_create_in_memory(const char *name);
/* Starts walking `path` with libhdf5 in a forked child limited to `memory_bytes` of address space and `seconds` (its
 * pid, -1 when no process could be made; call with no other thread inside libhdf5); ebsd_h5_probe_wait gives
 * EBSD_PROBE_OK, _ERROR (libhdf5 reported errors), _CRASHED (a signal, in *signal_number), _TIMEOUT, _NOT_RUN or
 * _NOT_HDF5 (no HDF5 signature: nothing for libhdf5 to walk). */
enum {
    EBSD_PROBE_OK = 0, EBSD_PROBE_ERROR = 1, EBSD_PROBE_CRASHED = 2, EBSD_PROBE_TIMEOUT = 3, EBSD_PROBE_NOT_RUN = 4,
    EBSD_PROBE_NOT_HDF5 = 5
};
int64_t ebsd_h5_probe_start(const char *path, uint64_t memory_bytes, uint32_t seconds);
int ebsd_h5_probe_wait(int64_t child, int *signal_number);
int64_t ebsd_h5_image(int64_t file, void *buffer, uint64_t capacity);
/// 1 when `path` (a/b/c) exists below the root of `file` as a link, 0 when not, < 0 on error.
int ebsd_h5_exists(int64_t file, const char *path);
/// 1 for a group, 2 for a dataset, 0 for something else, < 0 when absent.
int ebsd_h5_kind(int64_t file, const char *path);
/// Names of the members of group `path`, '\n'-separated, into `buf` (cap bytes); returns the count, < 0 on error.
int ebsd_h5_members(int64_t file, const char *path, char *buf, size_t cap);

/// Dataset shape and element type: rank (≤ 8), dims, class (0 integer, 1 float, 2 string, 3 other),
/// element size in bytes, signedness (1 signed). Returns 0, < 0 on error.
int ebsd_h5_dataset_info(int64_t file, const char *path, int *rank, uint64_t *dims, int *type_class, int *size, int *is_signed);
/// Chunk shape of a chunked dataset (rank values); 0 when chunked, 1 when contiguous/compact, < 0 on error.
int ebsd_h5_chunk_shape(int64_t file, const char *path, uint64_t *chunk);
/// Filters of a dataset that are not available in this process (e.g. the LZF plugin, id 32000):
/// writes the first missing filter id into *missing; 0 when all are available, 1 when one is missing, < 0 on error.
int ebsd_h5_missing_filter(int64_t file, const char *path, int *missing);

/// Reads the whole dataset converted to double (`count` must equal its element count).
int ebsd_h5_read_double(int64_t file, const char *path, double *out, size_t count);
/// Reads rows [start, start + rows) of the first dimension, all of the other dimensions, converted
/// to float (`out` holds rows × product of the other dims).
int ebsd_h5_read_rows_float(int64_t file, const char *path, uint64_t start, uint64_t rows, float *out);
/// Reads a string dataset (fixed or variable length; the first element) into buf (NUL-terminated).
int ebsd_h5_read_string(int64_t file, const char *path, char *buf, size_t cap);
/// Reads attribute `name` of object `path` as a string (fixed or variable length) or number (as text).
int ebsd_h5_read_attr_string(int64_t file, const char *path, const char *name, char *buf, size_t cap);

/// Creates group `path` (parents included).
int ebsd_h5_create_group(int64_t file, const char *path);
/// Writes a dataset of doubles stored as `store` (0 uint8, 1 int32, 2 float32, 3 float64) of shape dims[rank].
int ebsd_h5_write_double(int64_t file, const char *path, int rank, const uint64_t *dims, int store, const double *data);
/// Writes a fixed-length string dataset (scalar).
int ebsd_h5_write_string(int64_t file, const char *path, const char *value);
/// Creates a chunked 3-D dataset (n, h, w) of uint8 (store 0), uint16 (4) or float32 (2) patterns; chunk = `chunk_n` patterns.
int ebsd_h5_create_patterns(int64_t file, const char *path, uint64_t n, uint64_t h, uint64_t w, int store, uint64_t chunk_n);
/// Writes rows [start, start + rows) of a 3-D pattern dataset from floats (converted to the stored type).
int ebsd_h5_write_rows_float(int64_t file, const char *path, uint64_t start, uint64_t rows, const float *data);
/// Writes a 1-D boolean dataset as h5py and numpy store booleans (an int8 enum FALSE = 0, TRUE = 1).
int ebsd_h5_write_bool(int64_t file, const char *path, uint64_t n, const int8_t *data);
/// Bytes the dataset occupies in the file (0 when nothing is written yet), < 0 on error.
int64_t ebsd_h5_storage_size(int64_t file, const char *path);
#endif
