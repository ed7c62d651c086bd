#include "CHDF5Shims.h"
#include <hdf5.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>
#include <dlfcn.h>
#include <stdio.h>

/* Debian installs filter plugins (hdf5-plugin-lzf) here; libhdf5's built-in default path is elsewhere.
   HDF5_PLUGIN_PATH, when set, is libhdf5's own and left alone. */
static const char *plugin_dirs[] = {
    "/usr/lib/x86_64-linux-gnu/hdf5/serial/plugins", "/usr/lib/aarch64-linux-gnu/hdf5/serial/plugins",
    "/usr/lib/hdf5/serial/plugins", "/usr/local/hdf5/lib/plugin",
};

static void quiet(void) {
    static int ready = 0;
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    if (ready) return;
    ready = 1;
    /* Debian's hdf5-plugin-lzf (3.7.0-8) is not linked with liblzf: make lzf_decompress visible to it first. */
    dlopen("liblzf.so.1", RTLD_NOW | RTLD_GLOBAL);
    if (getenv("HDF5_PLUGIN_PATH") != NULL) return;
    for (size_t i = 0; i < sizeof plugin_dirs / sizeof plugin_dirs[0]; i++) {
        if (access(plugin_dirs[i], R_OK) == 0) H5PLappend(plugin_dirs[i]);
    }
}

/* libhdf5 1.10 (Debian 12) and 1.12+ name the object-info and iteration calls differently. */
#if H5_VERSION_GE(1, 12, 0)
typedef H5O_info2_t ebsd_oinfo_t;
typedef H5L_info2_t ebsd_linfo_t;
#define EBSD_OINFO(f, p, i) H5Oget_info_by_name3((f), (p), (i), H5O_INFO_BASIC, H5P_DEFAULT)
#define EBSD_ITERATE H5Literate2
#define EBSD_IS_HDF5(p) H5Fis_accessible((p), H5P_DEFAULT)
#else
typedef H5O_info_t ebsd_oinfo_t;
typedef H5L_info_t ebsd_linfo_t;
#define EBSD_OINFO(f, p, i) H5Oget_info_by_name2((f), (p), (i), H5O_INFO_BASIC, H5P_DEFAULT)
#define EBSD_ITERATE H5Literate
#define EBSD_IS_HDF5(p) H5Fis_hdf5(p)
#endif

int64_t ebsd_h5_open(const char *path) {
    quiet();
    if (EBSD_IS_HDF5(path) <= 0) return -1;
    return H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
}

int64_t ebsd_h5_create(const char *path) {
    quiet();
    return H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
}

void ebsd_h5_close(int64_t file) { if (file >= 0) H5Fclose((hid_t)file); }

/* A file held in memory only (the core driver without a backing store): libhdf5 never touches the disk, so a full or
 * read-only device cannot fail inside it; the bytes are taken with ebsd_h5_image and written by the caller. */
int64_t ebsd_h5_create_in_memory(const char *name) {
    quiet();
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl < 0) return -1;
    if (H5Pset_fapl_core(fapl, (size_t)1 << 20, 0) < 0) { H5Pclose(fapl); return -1; }
    hid_t f = H5Fcreate(name, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    H5Pclose(fapl);
    return f;
}

/* The size of the file image (buffer NULL) or the image copied into buffer (capacity bytes); -1 on failure. */
int64_t ebsd_h5_image(int64_t file, void *buffer, uint64_t capacity) {
    if (H5Fflush((hid_t)file, H5F_SCOPE_GLOBAL) < 0) return -1;
    return (int64_t)H5Fget_file_image((hid_t)file, buffer, (size_t)capacity);
}

int ebsd_h5_exists(int64_t file, const char *path) {
    char buf[1024];
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof buf) return n == 0 ? 1 : -1;
    memcpy(buf, path, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] == '/' || buf[i] == 0) {
            char c = buf[i];
            buf[i] = 0;
            htri_t e = H5Lexists((hid_t)file, buf, H5P_DEFAULT);
            if (e <= 0) return e < 0 ? -1 : 0;
            buf[i] = c;
        }
    }
    return 1;
}

int ebsd_h5_kind(int64_t file, const char *path) {
    if (ebsd_h5_exists(file, path) != 1) return -1;
    ebsd_oinfo_t info;
    if (EBSD_OINFO((hid_t)file, path, &info) < 0) return -1;
    return info.type == H5O_TYPE_GROUP ? 1 : info.type == H5O_TYPE_DATASET ? 2 : 0;
}

typedef struct { char *buf; size_t cap; size_t used; int count; } names_t;

static herr_t add_name(hid_t g, const char *name, const ebsd_linfo_t *info, void *data) {
    (void)g; (void)info;
    names_t *n = (names_t *)data;
    size_t len = strlen(name);
    if (n->used + len + 2 > n->cap) return 1;
    memcpy(n->buf + n->used, name, len);
    n->used += len;
    n->buf[n->used++] = '\n';
    n->buf[n->used] = 0;
    n->count++;
    return 0;
}

int ebsd_h5_members(int64_t file, const char *path, char *buf, size_t cap) {
    if (cap == 0) return -1;
    buf[0] = 0;
    hid_t g = H5Gopen2((hid_t)file, path, H5P_DEFAULT);
    if (g < 0) return -1;
    names_t n = { buf, cap, 0, 0 };
    EBSD_ITERATE(g, H5_INDEX_NAME, H5_ITER_INC, NULL, add_name, &n);
    H5Gclose(g);
    return n.count;
}

/* A number type whose bit layout does not fit its size (a damaged header) would make libhdf5's
   conversion read outside its buffers. */
static int number_type_fits(hid_t t) {
    H5T_class_t c = H5Tget_class(t);
    size_t sz = H5Tget_size(t), prec = H5Tget_precision(t);
    int off = H5Tget_offset(t);
    int fits = (sz == 1 || sz == 2 || sz == 4 || sz == 8) && prec > 0 && off >= 0 && (size_t)off + prec <= 8 * sz;
    if (fits && c == H5T_FLOAT) {
        size_t spos, epos, esize, mpos, msize;
        fits = H5Tget_fields(t, &spos, &epos, &esize, &mpos, &msize) >= 0 && spos < 8 * sz && epos + esize <= 8 * sz
            && mpos + msize <= 8 * sz && esize > 0 && msize > 0 && sz >= 2;
    }
    return fits;
}

int ebsd_h5_dataset_info(int64_t file, const char *path, int *rank, uint64_t *dims, int *type_class, int *size, int *is_signed) {
    hid_t d = H5Dopen2((hid_t)file, path, H5P_DEFAULT);
    if (d < 0) return -1;
    hid_t s = H5Dget_space(d), t = H5Dget_type(d);
    int r = H5Sget_simple_extent_ndims(s);
    int ok = r >= 0 && r <= 8;
    if (ok) {
        hsize_t hd[8];
        H5Sget_simple_extent_dims(s, hd, NULL);
        for (int i = 0; i < r; i++) dims[i] = hd[i];
        *rank = r;
        H5T_class_t c = H5Tget_class(t);
        *type_class = c == H5T_INTEGER ? 0 : c == H5T_FLOAT ? 1 : c == H5T_STRING ? 2 : 3;
        if ((c == H5T_INTEGER || c == H5T_FLOAT) && !number_type_fits(t)) *type_class = 3;
        *size = (int)H5Tget_size(t);
        *is_signed = c == H5T_INTEGER ? (H5Tget_sign(t) == H5T_SGN_2) : 1;
    }
    H5Tclose(t); H5Sclose(s); H5Dclose(d);
    return ok ? 0 : -1;
}

int ebsd_h5_chunk_shape(int64_t file, const char *path, uint64_t *chunk) {
    hid_t d = H5Dopen2((hid_t)file, path, H5P_DEFAULT);
    if (d < 0) return -1;
    hid_t p = H5Dget_create_plist(d);
    int result = 1;
    if (H5Pget_layout(p) == H5D_CHUNKED) {
        hsize_t c[8];
        int r = H5Pget_chunk(p, 8, c);
        for (int i = 0; i < r; i++) chunk[i] = c[i];
        result = r > 0 ? 0 : -1;
    }
    H5Pclose(p); H5Dclose(d);
    return result;
}

int ebsd_h5_missing_filter(int64_t file, const char *path, int *missing) {
    hid_t d = H5Dopen2((hid_t)file, path, H5P_DEFAULT);
    if (d < 0) return -1;
    hid_t p = H5Dget_create_plist(d);
    int n = H5Pget_nfilters(p), result = 0;
    for (int i = 0; i < n && result == 0; i++) {
        unsigned flags, conf;
        size_t nelem = 0;
        char name[64];
        H5Z_filter_t f = H5Pget_filter2(p, (unsigned)i, &flags, &nelem, NULL, sizeof name, name, &conf);
        if (f >= 0 && H5Zfilter_avail(f) <= 0) {
            // a dynamically loaded filter registers on first use: try loading it by reading nothing
            *missing = (int)f;
            result = 1;
        }
    }
    H5Pclose(p); H5Dclose(d);
    return result;
}

int ebsd_h5_read_double(int64_t file, const char *path, double *out, size_t count) {
    hid_t d = H5Dopen2((hid_t)file, path, H5P_DEFAULT);
    if (d < 0) return -1;
    hid_t s = H5Dget_space(d);
    hssize_t n = H5Sget_simple_extent_npoints(s);
    int ok = n >= 0 && (size_t)n == count && H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out) >= 0;
    H5Sclose(s); H5Dclose(d);
    return ok ? 0 : -1;
}

int ebsd_h5_read_rows_float(int64_t file, const char *path, uint64_t start, uint64_t rows, float *out) {
    hid_t d = H5Dopen2((hid_t)file, path, H5P_DEFAULT);
    if (d < 0) return -1;
    hid_t s = H5Dget_space(d);
    int r = H5Sget_simple_extent_ndims(s);
    int ok = r >= 1 && r <= 8;
    if (ok) {
        hsize_t dims[8], off[8] = {0}, cnt[8];
        H5Sget_simple_extent_dims(s, dims, NULL);
        ok = start + rows <= dims[0];
        if (ok) {
            for (int i = 0; i < r; i++) cnt[i] = dims[i];
            off[0] = start; cnt[0] = rows;
            H5Sselect_hyperslab(s, H5S_SELECT_SET, off, NULL, cnt, NULL);
            hid_t m = H5Screate_simple(r, cnt, NULL);
            ok = H5Dread(d, H5T_NATIVE_FLOAT, m, s, H5P_DEFAULT, out) >= 0;
            H5Sclose(m);
        }
    }
    H5Sclose(s); H5Dclose(d);
    return ok ? 0 : -1;
}

/// Reads a string (fixed or variable) or a number (written as text) from a dataset or attribute.
static int read_text(hid_t obj, int is_attr, char *buf, size_t cap) {
    if (cap == 0) return -1;
    buf[0] = 0;
    hid_t t = is_attr ? H5Aget_type(obj) : H5Dget_type(obj);
    hid_t s = is_attr ? H5Aget_space(obj) : H5Dget_space(obj);
    hssize_t n = H5Sget_simple_extent_npoints(s);
    int ok = 0;
    if (n >= 1 && H5Tget_class(t) == H5T_STRING) {
        if (H5Tis_variable_str(t) > 0) {
            char **v = calloc((size_t)n, sizeof(char *));
            hid_t mt = H5Tcopy(H5T_C_S1);
            H5Tset_size(mt, H5T_VARIABLE);
            H5Tset_cset(mt, H5Tget_cset(t));
            ok = (is_attr ? H5Aread(obj, mt, v) : H5Dread(obj, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, v)) >= 0;
            if (ok && v[0]) { strncpy(buf, v[0], cap - 1); buf[cap - 1] = 0; }
            if (ok) H5Dvlen_reclaim(mt, s, H5P_DEFAULT, v);
            H5Tclose(mt);
            free(v);
        } else {
            size_t sz = H5Tget_size(t);
            char *tmp = calloc((size_t)n * sz + 1, 1);
            hid_t mt = H5Tcopy(H5T_C_S1);
            H5Tset_size(mt, sz);
            H5Tset_strpad(mt, H5T_STR_NULLPAD);
            ok = (is_attr ? H5Aread(obj, mt, tmp) : H5Dread(obj, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, tmp)) >= 0;
            if (ok) {
                size_t k = sz < cap - 1 ? sz : cap - 1;
                memcpy(buf, tmp, k);
                buf[k] = 0;
            }
            H5Tclose(mt);
            free(tmp);
        }
    } else if (n >= 1 && n <= (1 << 20) && (H5Tget_class(t) == H5T_INTEGER || H5Tget_class(t) == H5T_FLOAT) && number_type_fits(t)) {
        double *v = calloc((size_t)n, sizeof(double));
        ok = (is_attr ? H5Aread(obj, H5T_NATIVE_DOUBLE, v) : H5Dread(obj, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v)) >= 0;
        if (ok) snprintf(buf, cap, "%.17g", v[0]);
        free(v);
    }
    H5Sclose(s); H5Tclose(t);
    return ok ? 0 : -1;
}

int ebsd_h5_read_string(int64_t file, const char *path, char *buf, size_t cap) {
    hid_t d = H5Dopen2((hid_t)file, path, H5P_DEFAULT);
    if (d < 0) return -1;
    int r = read_text(d, 0, buf, cap);
    H5Dclose(d);
    return r;
}

int ebsd_h5_read_attr_string(int64_t file, const char *path, const char *name, char *buf, size_t cap) {
    if (H5Aexists_by_name((hid_t)file, path, name, H5P_DEFAULT) <= 0) return -1;
    hid_t a = H5Aopen_by_name((hid_t)file, path, name, H5P_DEFAULT, H5P_DEFAULT);
    if (a < 0) return -1;
    int r = read_text(a, 1, buf, cap);
    H5Aclose(a);
    return r;
}

/* Link-creation properties that create missing parent groups (caller closes them). */
static hid_t parents_created(void) {
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    return lcpl;
}

int ebsd_h5_create_group(int64_t file, const char *path) {
    hid_t lcpl = parents_created();
    hid_t g = H5Gcreate2((hid_t)file, path, lcpl, H5P_DEFAULT, H5P_DEFAULT);
    H5Pclose(lcpl);
    if (g < 0) return -1;
    H5Gclose(g);
    return 0;
}

static hid_t stored_type(int store) {
    switch (store) {
    case 0: return H5T_STD_U8LE;
    case 1: return H5T_STD_I32LE;
    case 2: return H5T_IEEE_F32LE;
    case 4: return H5T_STD_U16LE;
    default: return H5T_IEEE_F64LE;
    }
}

int ebsd_h5_write_double(int64_t file, const char *path, int rank, const uint64_t *dims, int store, const double *data) {
    if (rank < 0 || rank > 8) return -1;
    hsize_t hd[8];
    for (int i = 0; i < rank; i++) hd[i] = dims[i];
    hid_t s = rank == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(rank, hd, NULL);
    hid_t lcpl = parents_created();
    hid_t d = H5Dcreate2((hid_t)file, path, stored_type(store), s, lcpl, H5P_DEFAULT, H5P_DEFAULT);
    int ok = d >= 0 && H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0;
    if (d >= 0) H5Dclose(d);
    H5Pclose(lcpl); H5Sclose(s);
    return ok ? 0 : -1;
}

int ebsd_h5_write_string(int64_t file, const char *path, const char *value) {
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, strlen(value) > 0 ? strlen(value) : 1);
    hid_t s = H5Screate(H5S_SCALAR);
    hid_t lcpl = parents_created();
    hid_t d = H5Dcreate2((hid_t)file, path, t, s, lcpl, H5P_DEFAULT, H5P_DEFAULT);
    int ok = d >= 0 && H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, value) >= 0;
    if (d >= 0) H5Dclose(d);
    H5Pclose(lcpl); H5Sclose(s); H5Tclose(t);
    return ok ? 0 : -1;
}

int ebsd_h5_create_patterns(int64_t file, const char *path, uint64_t n, uint64_t h, uint64_t w, int store, uint64_t chunk_n) {
    hsize_t dims[3] = { n, h, w }, chunk[3] = { chunk_n < 1 ? 1 : (chunk_n > n ? n : chunk_n), h, w };
    hid_t s = H5Screate_simple(3, dims, NULL);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (n > 0) H5Pset_chunk(dcpl, 3, chunk);
    hid_t lcpl = parents_created();
    hid_t d = H5Dcreate2((hid_t)file, path, stored_type(store), s, lcpl, dcpl, H5P_DEFAULT);
    H5Pclose(lcpl); H5Pclose(dcpl); H5Sclose(s);
    if (d < 0) return -1;
    H5Dclose(d);
    return 0;
}

int ebsd_h5_write_rows_float(int64_t file, const char *path, uint64_t start, uint64_t rows, const float *data) {
    hid_t d = H5Dopen2((hid_t)file, path, H5P_DEFAULT);
    if (d < 0) return -1;
    hid_t s = H5Dget_space(d);
    hsize_t dims[3];
    int ok = H5Sget_simple_extent_ndims(s) == 3;
    if (ok) {
        H5Sget_simple_extent_dims(s, dims, NULL);
        ok = start + rows <= dims[0];
    }
    if (ok) {
        hsize_t off[3] = { start, 0, 0 }, cnt[3] = { rows, dims[1], dims[2] };
        H5Sselect_hyperslab(s, H5S_SELECT_SET, off, NULL, cnt, NULL);
        hid_t m = H5Screate_simple(3, cnt, NULL);
        ok = H5Dwrite(d, H5T_NATIVE_FLOAT, m, s, H5P_DEFAULT, data) >= 0;
        H5Sclose(m);
    }
    H5Sclose(s); H5Dclose(d);
    return ok ? 0 : -1;
}

int ebsd_h5_write_bool(int64_t file, const char *path, uint64_t n, const int8_t *data) {
    hid_t t = H5Tenum_create(H5T_NATIVE_INT8);
    int8_t f = 0, tr = 1;
    H5Tenum_insert(t, "FALSE", &f);
    H5Tenum_insert(t, "TRUE", &tr);
    hsize_t dims[1] = { n };
    hid_t s = H5Screate_simple(1, dims, NULL);
    hid_t lcpl = parents_created();
    hid_t d = H5Dcreate2((hid_t)file, path, t, s, lcpl, H5P_DEFAULT, H5P_DEFAULT);
    int ok = d >= 0 && H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0;
    if (d >= 0) H5Dclose(d);
    H5Pclose(lcpl); H5Sclose(s); H5Tclose(t);
    return ok ? 0 : -1;
}

int64_t ebsd_h5_storage_size(int64_t file, const char *path) {
    hid_t d = H5Dopen2((hid_t)file, path, H5P_DEFAULT);
    if (d < 0) return -1;
    hsize_t s = H5Dget_storage_size(d);
    H5Dclose(d);
    return (int64_t)s;
}

/* ---- probing an untrusted file in a child process ------------------------------------------------------------------
 * libhdf5 itself crashes or exhausts memory on some damaged files (Fuzz/README.md), inside its own traversal, before
 * any caller sees a value. So a file is first walked by a forked child under a memory limit and a time limit: every
 * link (symbol tables, local heaps), every object's attributes and every small variable-length string (global heaps),
 * which is what the readers touch. The child uses only libc and libhdf5 (no Swift runtime) and ends with _exit. */
#include <errno.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>

#define EBSD_PROBE_STRINGS 4096

static void probe_read_strings(hid_t object, int is_attribute) {
    hid_t type = is_attribute ? H5Aget_type(object) : H5Dget_type(object);
    if (type < 0) return;
    if (H5Tget_class(type) == H5T_STRING && H5Tis_variable_str(type) > 0) {
        hid_t space = is_attribute ? H5Aget_space(object) : H5Dget_space(object);
        hssize_t n = space >= 0 ? H5Sget_simple_extent_npoints(space) : -1;
        if (n > 0 && n <= EBSD_PROBE_STRINGS) {
            char **buf = calloc((size_t)n, sizeof(char *));
            hid_t mem = H5Tcopy(H5T_C_S1);
            H5Tset_size(mem, H5T_VARIABLE);
            H5Tset_cset(mem, H5Tget_cset(type)); /* as the readers ask, so libhdf5 takes the same conversion path */
            herr_t r = is_attribute ? H5Aread(object, mem, buf) : H5Dread(object, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
            if (r >= 0) H5Dvlen_reclaim(mem, space, H5P_DEFAULT, buf);
            H5Tclose(mem);
            free(buf);
        }
        if (space >= 0) H5Sclose(space);
    }
    H5Tclose(type);
}

static herr_t probe_attribute(hid_t object, const char *name, const H5A_info_t *info, void *data) {
    (void)info;
    (void)data;
    hid_t a = H5Aopen(object, name, H5P_DEFAULT);
    if (a >= 0) {
        probe_read_strings(a, 1);
        H5Aclose(a);
    }
    return 0;
}

static herr_t probe_link(hid_t group, const char *name, const ebsd_linfo_t *info, void *data) {
    (void)data;
    /* the readers look names up (H5Lexists: the symbol table's B-tree and local heap), found or not */
    H5Lexists(group, name, H5P_DEFAULT);
    if (info->type != H5L_TYPE_HARD) return 0;
    hid_t o = H5Oopen(group, name, H5P_DEFAULT);
    if (o < 0) return 0; /* the reader will say what is wrong with it */
    H5Aiterate2(o, H5_INDEX_NAME, H5_ITER_NATIVE, NULL, probe_attribute, NULL);
    if (H5Iget_type(o) == H5I_DATASET) probe_read_strings(o, 0);
    if (H5Iget_type(o) == H5I_GROUP) H5Lexists(o, "ebsd-probe-absent-name", H5P_DEFAULT);
    H5Oclose(o);
    return 0;
}

#if H5_VERSION_GE(1, 12, 0)
#define EBSD_VISIT(f) H5Lvisit2((f), H5_INDEX_NAME, H5_ITER_NATIVE, probe_link, NULL)
#else
#define EBSD_VISIT(f) H5Lvisit((f), H5_INDEX_NAME, H5_ITER_NATIVE, probe_link, NULL)
#endif

int64_t ebsd_h5_probe_start(const char *path, uint64_t memory_bytes, uint32_t seconds) {
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        struct rlimit rl = { (rlim_t)memory_bytes, (rlim_t)memory_bytes };
        setrlimit(RLIMIT_AS, &rl);
        struct rlimit core = { 0, 0 };
        setrlimit(RLIMIT_CORE, &core);
        /* die quietly: not through the handlers the parent installed (the Swift runtime's backtracer) */
        int fatal[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS, SIGALRM };
        for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++) signal(fatal[i], SIG_DFL);
        alarm(seconds);
        quiet();
        if (EBSD_IS_HDF5(path) <= 0) _exit(EBSD_PROBE_NOT_HDF5); /* the reader says so in its own words */
        hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
        if (f < 0) _exit(EBSD_PROBE_ERROR);
        H5Aiterate2(f, H5_INDEX_NAME, H5_ITER_NATIVE, NULL, probe_attribute, NULL);
        H5Lexists(f, "ebsd-probe-absent-name", H5P_DEFAULT);
        _exit(EBSD_VISIT(f) < 0 ? EBSD_PROBE_ERROR : EBSD_PROBE_OK);
    }
    return (int64_t)pid;
}

int ebsd_h5_probe_wait(int64_t child, int *signal_number) {
    *signal_number = 0;
    if (child < 0) return EBSD_PROBE_NOT_RUN;
    pid_t pid = (pid_t)child;
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) return EBSD_PROBE_NOT_RUN;
    }
    if (WIFEXITED(status)) {
        int code = WEXITSTATUS(status);
        return code == EBSD_PROBE_OK || code == EBSD_PROBE_NOT_HDF5 ? code : EBSD_PROBE_ERROR;
    }
    if (WIFSIGNALED(status)) {
        *signal_number = WTERMSIG(status);
        return WTERMSIG(status) == SIGALRM ? EBSD_PROBE_TIMEOUT : EBSD_PROBE_CRASHED;
    }
    return EBSD_PROBE_ERROR;
}
