/*
 * A C program using the library through include/swiftebsd.h only, compiled and run by `make test`:
 *   cc -std=c11 -Wall -Werror -Iinclude Tests/CABI/hough_ni.c -L.build/debug -lSwiftEBSD -Wl,-rpath,.build/debug -o ...
 *   hough_ni SHARED_DATA_FOLDER
 * Reads the 9 real NORDIF Ni patterns (data/ni-nordif-3x3/nordif/Pattern.dat, 60 × 60 uint8, 3 × 3 map), Hough-indexes
 * them at a PC near their own (Bruker 0.421, 0.218, 0.505; metadata.json states one per pattern), checks every pattern
 * is indexed as Ni with a unit quaternion, reads the map back, asks for a grain table, and checks that bad arguments
 * come back as EBSD_BAD_ARGUMENT with a message naming them. Exit 0 when all hold.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "swiftebsd.h"

#define COUNT 9
#define SIDE 60
#define MESSAGE 512

static int failures = 0;

static void check(int ok, const char *what, const char *message) {
    if (!ok) {
        fprintf(stderr, "hough_ni: FAILED %s%s%s\n", what, message && *message ? ": " : "", message ? message : "");
        failures++;
    }
}

static int32_t count_reports(const char *label, int64_t done, int64_t total, void *context) {
    (void)label;
    (void)done;
    (void)total;
    (*(int *)context)++;
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: hough_ni SHARED_DATA_FOLDER (../shared)\n");
        return 2;
    }
    check(ebsd_abi_version() == EBSD_ABI_VERSION, "ABI version", NULL);
    char path[4096];
    snprintf(path, sizeof path, "%s/data/ni-nordif-3x3/nordif/Pattern.dat", argv[1]);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "hough_ni: cannot open %s\n", path);
        return 2;
    }
    static uint8_t patterns[COUNT * SIDE * SIDE];
    size_t got = fread(patterns, 1, sizeof patterns, f);
    fclose(f);
    if (got != sizeof patterns) {
        fprintf(stderr, "hough_ni: %s holds %zu bytes, expected %zu\n", path, got, sizeof patterns);
        return 2;
    }

    char message[MESSAGE];
    ebsd_map *map = NULL;
    char *notes = NULL;
    int reports = 0;
    const char *steps = "[{\"hough\": {\"bands\": 9}}]";
    const char *inputs = "{\"phases\": [\"Ni\"], \"detector\": {\"pc\": [0.421, 0.2179, 0.5048], \"sample_tilt\": 70}}";
    int32_t status = ebsd_run_steps(steps, inputs, patterns, EBSD_UINT8, COUNT, SIDE, SIDE, 3, 3, 1.5, NULL, 0, NULL, NULL,
                                    count_reports, &reports, &map, &notes, message, MESSAGE);
    check(status == EBSD_OK && map != NULL, "hough on the Ni patterns", message);
    check(reports > 0, "progress reported", NULL);
    ebsd_free(notes);
    if (map) {
        int64_t rows = 0, columns = 0;
        double sx = 0, sy = 0;
        int32_t phases = 0;
        check(ebsd_map_info(map, &rows, &columns, &sx, &sy, &phases, message, MESSAGE) == EBSD_OK, "map info", message);
        check(rows == 3 && columns == 3 && sx == 1.5 && phases == 1, "map grid 3 x 3, 1.5 um, one phase", NULL);
        char name[64];
        int32_t group = 0;
        check(ebsd_map_phase(map, 0, name, sizeof name, &group, message, MESSAGE) == EBSD_OK, "phase", message);
        check(strcmp(name, "Ni") == 0 && group == 225, "phase Ni, Fm-3m (225)", name);
        double q[4 * COUNT];
        int32_t index[COUNT];
        check(ebsd_map_orientations(map, q, index, message, MESSAGE) == EBSD_OK, "orientations", message);
        for (int i = 0; i < COUNT; i++) {
            const double *p = q + 4 * i;
            double norm = sqrt(p[0] * p[0] + p[1] * p[1] + p[2] * p[2] + p[3] * p[3]);
            check(index[i] == 0 && fabs(norm - 1) < 1e-9, "pattern indexed as Ni with a unit quaternion", NULL);
        }
        float ci[COUNT];
        check(ebsd_map_property(map, "ci", ci, message, MESSAGE) == EBSD_OK, "ci property", message);
        char *csv = NULL;
        check(ebsd_grains(map, "{\"hagb\": 10}", &csv, message, MESSAGE) == EBSD_OK && csv != NULL, "grains", message);
        check(csv && strncmp(csv, "grain,phase,pixels", 18) == 0, "grains.csv header", csv);
        ebsd_free(csv);
        printf("hough_ni: 9 real Ni patterns indexed through the C ABI; first quaternion %.6f %.6f %.6f %.6f, CI %.3f\n", q[0], q[1],
               q[2], q[3], ci[0]);
    }

    /* bad arguments: refused with the argument named, never a crash */
    ebsd_map *none = NULL;
    status = ebsd_run_steps(steps, "{\"phases\": [\"Kryptonite\"]}", patterns, EBSD_UINT8, COUNT, SIDE, SIDE, 3, 3, 0, NULL, 0, NULL,
                            NULL, NULL, NULL, &none, NULL, message, MESSAGE);
    check(status == EBSD_BAD_ARGUMENT && strstr(message, "phases") && none == NULL, "unknown phase refused", message);
    status = ebsd_run_steps(steps, inputs, patterns, 7, COUNT, SIDE, SIDE, 3, 3, 0, NULL, 0, NULL, NULL, NULL, NULL, &none, NULL,
                            message, MESSAGE);
    check(status == EBSD_BAD_ARGUMENT && strncmp(message, "patterns: element type 7", 24) == 0, "bad dtype refused", message);
    status = ebsd_run_steps(steps, inputs, NULL, EBSD_UINT8, COUNT, SIDE, SIDE, 3, 3, 0, NULL, 0, NULL, NULL, NULL, NULL, &none, NULL,
                            message, MESSAGE);
    check(status == EBSD_BAD_ARGUMENT && strncmp(message, "patterns: a null pointer", 24) == 0, "null patterns refused", message);
    ebsd_map_free(map);
    check(ebsd_map_info(map, NULL, NULL, NULL, NULL, NULL, message, MESSAGE) == EBSD_BAD_ARGUMENT, "freed handle refused", message);
    check(ebsd_map_load("/nonexistent/map.ang", NULL, &none, message, MESSAGE) == EBSD_FAILED && strstr(message, "/nonexistent/map.ang"),
          "missing map file named", message);
    if (failures) return 1;
    printf("hough_ni: all checks passed\n");
    return 0;
}
