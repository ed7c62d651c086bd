/*
 * swiftebsd.h — the C ABI of the Swift EBSD library (libSwiftEBSD.so; `swift build --product SwiftEBSD`).
 *
 * Conventions (stated once, as in the library):
 *   - orientations are unit quaternions (a, b, c, d), passive rotations sample → crystal, P = +1 (Rowenhorst et al.
 *     2015), as orix; arrays are row-major, points in scan order (index = row · columns + column);
 *   - pattern arrays are contiguous count × rows × columns of float32, uint8 or uint16 (enum ebsd_dtype);
 *   - pattern centres are in the convention the `inputs.detector.convention` key names (default Bruker);
 *   - every function returns an ebsd_status; on failure a one-line message (UTF-8, cut to fit) is written into
 *     `message` (`capacity` bytes including the NUL; may be NULL / 0); no function aborts the process on bad input;
 *   - handles (ebsd_map, ebsd_stack) are opaque, owned by the caller once returned, freed with their _free function;
 *     a freed or foreign handle is refused (EBSD_BAD_ARGUMENT), not dereferenced;
 *   - text returned through `char **` is allocated by the library and freed with ebsd_free.
 *   - long calls report progress through ebsd_progress; returning non-zero stops the work at its next chunk of
 *     patterns (status EBSD_CANCELLED, no map returned).
 * Options are the keys of `ebsd pipeline` recipes (README "Recipes"), given as JSON (or YAML flow) text: the same
 * names and defaults as recipes, so there is one definition of each parameter.
 */
#ifndef SWIFTEBSD_H
#define SWIFTEBSD_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define EBSD_ABI_VERSION 1

typedef enum { EBSD_OK = 0, EBSD_BAD_ARGUMENT = 1, EBSD_CANCELLED = 2, EBSD_FAILED = 3 } ebsd_status;
typedef enum { EBSD_FLOAT32 = 0, EBSD_UINT8 = 1, EBSD_UINT16 = 2 } ebsd_dtype;

typedef struct ebsd_map ebsd_map;
typedef struct ebsd_stack ebsd_stack;

/* Progress of the stage `label`: done of total items. Return non-zero to stop. May be called from several threads,
 * one call at a time. */
typedef int32_t (*ebsd_progress)(const char *label, int64_t done, int64_t total, void *context);

/* EBSD_ABI_VERSION of the library loaded. */
int32_t ebsd_abi_version(void);
/* Frees text the library returned. */
void ebsd_free(void *pointer);

/* Runs recipe steps on patterns and/or a start map.
 *   steps:   a list of one-key mappings, e.g. [{"hough": {"bands": 9}}] or [{"match": {"resolution": 2}}, {"refine": {}}]
 *            or clean-up steps [{"wild_spikes": {}}, {"fill": {"neighbours": [6, 5]}}];
 *   inputs:  the recipe's inputs keys: {"phases": ["Na"], "detector": {"pc": [0.5, 0.5, 0.6], "sample_tilt": 70},
 *            "master_patterns": {"Na": "MasterPatterns/Na-20kV-kinematical.tif"}, "voltage_kv": 20}; NULL: the start
 *            map's phases;
 *   patterns (count × rows × columns of dtype; NULL with count 0 when the steps need none), map_rows × map_columns
 *            (0 × 0: the start map's grid, else one row), step_um (0: the start map's, else 1 µm);
 *   pcs:     NULL/0, one, or one pattern centre per pattern (x, y, z triples) replacing inputs.detector.pc;
 *   start:   the map to continue from (refine, clean-up), or NULL; output_folder: where grains/ipf steps write (NULL
 *            when none runs).
 * out receives the last map made (NULL when no step made one); notes (may be NULL) one line per step. */
int32_t ebsd_run_steps(const char *steps, const char *inputs, const void *patterns, int32_t dtype, int64_t count,
                       int64_t rows, int64_t columns, int64_t map_rows, int64_t map_columns, double step_um,
                       const double *pcs, int64_t pc_count, const ebsd_map *start, const char *output_folder,
                       ebsd_progress progress, void *context, ebsd_map **out, char **notes, char *message,
                       int64_t capacity);

/* Runs a recipe file as `ebsd pipeline` (output NULL: the recipe's folder; fresh: ignore finished steps). */
int32_t ebsd_run_pipeline(const char *recipe, const char *output, int32_t fresh, ebsd_progress progress, void *context,
                          ebsd_map **out, char *message, int64_t capacity);

/* Maps. phases: comma-separated built-in names or .json phase files; phase_index −1 = not indexed. */
int32_t ebsd_map_create(int64_t rows, int64_t columns, double step_x, double step_y, const char *phases,
                        const double *quaternions, const int32_t *phase_index, ebsd_map **out, char *message,
                        int64_t capacity);
/* A copy of map with property name set to values (rows × columns floats). */
int32_t ebsd_map_set_property(const ebsd_map *map, const char *name, const float *values, ebsd_map **out,
                              char *message, int64_t capacity);
int32_t ebsd_map_load(const char *path, const char *scan, ebsd_map **out, char *message, int64_t capacity);
int32_t ebsd_map_save(const ebsd_map *map, const char *path, char *message, int64_t capacity);
void ebsd_map_free(ebsd_map *map);
int32_t ebsd_map_info(const ebsd_map *map, int64_t *rows, int64_t *columns, double *step_x, double *step_y,
                      int32_t *phase_count, char *message, int64_t capacity);
int32_t ebsd_map_phase(const ebsd_map *map, int32_t index, char *name, int64_t name_capacity, int32_t *space_group,
                       char *message, int64_t capacity);
int32_t ebsd_map_orientations(const ebsd_map *map, double *quaternions, int32_t *phase_index, char *message,
                              int64_t capacity);
/* Property names, one per line. */
int32_t ebsd_map_property_names(const ebsd_map *map, char *names, int64_t names_capacity, char *message,
                                int64_t capacity);
int32_t ebsd_map_property(const ebsd_map *map, const char *name, float *values, char *message, int64_t capacity);

/* Grains with the grains step's keys (NULL: defaults): the grains.csv table, freed with ebsd_free. */
int32_t ebsd_grains(const ebsd_map *map, const char *options, char **csv, char *message, int64_t capacity);
/* IPF colours for sample direction (x, y, z): rows × columns × 3 bytes. */
int32_t ebsd_ipf_colors(const ebsd_map *map, double x, double y, double z, uint8_t unindexed, uint8_t *rgb,
                        char *message, int64_t capacity);
/* Pole figures of phase index `phase` for hkl families, e.g. "100;110;111", into a PNG file. */
int32_t ebsd_pole_figure(const ebsd_map *map, int32_t phase, const char *hkl, const char *path, char *message,
                         int64_t capacity);

/* Pattern files (every format the library reads). map_rows/map_columns 0: the file's own shape. */
int32_t ebsd_stack_open(const char *path, const char *scan, int64_t map_rows, int64_t map_columns, ebsd_stack **out,
                        char *message, int64_t capacity);
/* Shape, step, and the detector the file states: pattern centre (Bruker, first point) and tilts. */
int32_t ebsd_stack_info(const ebsd_stack *stack, int64_t *count, int64_t *rows, int64_t *columns, int64_t *map_rows,
                        int64_t *map_columns, double *step_um, double *pc_bruker, double *sample_tilt,
                        double *detector_tilt, char *message, int64_t capacity);
/* Patterns first ..< first + n as float32 (n × rows × columns). */
int32_t ebsd_stack_read(const ebsd_stack *stack, int64_t first, int64_t n, float *out, char *message,
                        int64_t capacity);
void ebsd_stack_free(ebsd_stack *stack);

#ifdef __cplusplus
}
#endif

#endif
