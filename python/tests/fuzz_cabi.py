"""Fuzzes the C ABI entry points with random shapes, element types, options and values, always through pointers to
buffers of the size the arguments describe (what a C caller can get right). Run as a script by test_fuzz.py, so that a
crash shows as a failed test instead of ending pytest:  python fuzz_cabi.py SECONDS SEED
Prints one JSON line: calls made and the count of each status."""
import ctypes
import json
import os
import random
import sys
import tempfile
import time

import numpy as np

from swiftebsd import _native

lib = _native.lib
P = ctypes.POINTER
STEPS = ["hough", "match", "refine", "wild_spikes", "fill", "pseudo_symmetry", "min_grain_size", "neighbour_check", "grains",
         "ipf", "nlpar", "bogus"]
KEYS = ["bands", "theta_steps", "families", "binning", "resolution", "psf", "neighbours", "tolerance", "operator", "verify",
        "min_size", "hagb", "lagb", "directions", "refine_pc", "memory", "precision", "static_background", "search_radius", "x"]
VALUES = [0, -1, 1, 3, 9, 1e308, -1e-300, "nan", "", "60@111", "2MB", "int8", [6, 5], [], {"a": 1}, True, None, "y", 0.5]
PHASES = ["Na", "Li", "Al", "Cu", "Ni", "Fe", "", "Na,Li", "Kryptonite", ",,,", "Na" * 200]
MASTER = os.environ.get("FUZZ_MASTER", "")
TRACE = os.environ.get("FUZZ_TRACE") == "1"


def random_steps(r):
    steps = []
    for _ in range(r.randint(0, 3)):
        keys = {r.choice(KEYS): r.choice(VALUES) for _ in range(r.randint(0, 2))}
        steps.append({r.choice(STEPS): keys})
    text = json.dumps(steps)
    if r.random() < 0.1:
        text = text[: r.randint(0, len(text))]  # cut JSON
    return text.encode()


def random_inputs(r):
    inputs = {"phases": [r.choice(PHASES)]}
    if r.random() < 0.5:
        inputs["detector"] = {"pc": [r.choice([0.5, float("nan"), -1, 0, 1e9]) for _ in range(3)], "sample_tilt": r.choice([70, 400, -90])}
    if r.random() < 0.3 and MASTER:
        inputs["master_patterns"] = {inputs["phases"][0]: MASTER}
    if r.random() < 0.05:
        return b"{not json"
    return json.dumps(inputs).encode()


def random_map(r):
    rows, cols = r.randint(1, 12), r.randint(1, 12)
    n = rows * cols
    q = np.random.default_rng(r.randint(0, 1 << 30)).normal(size=(n, 4))
    if r.random() < 0.2:
        q[r.randrange(n)] = [np.nan, 0, 0, 0]
    idx = np.array([r.choice([-1, 0, 0, 1, 5]) for _ in range(n)], dtype=np.int32)
    out = ctypes.c_void_p()
    m = ctypes.create_string_buffer(256)
    status = lib.ebsd_map_create(rows, cols, r.choice([1.0, 0.0, -1.0, float("nan")]), 1.0, r.choice(PHASES).encode(),
                                 q.ctypes.data_as(P(ctypes.c_double)), idx.ctypes.data_as(P(ctypes.c_int32)), ctypes.byref(out), m, 256)
    return status, out, n


def main(seconds, seed):
    r = random.Random(seed)
    statuses = {}
    calls = 0
    message = ctypes.create_string_buffer(64)  # short on purpose: messages are cut, never overflow
    folder = tempfile.mkdtemp()
    end = time.time() + seconds
    maps = []
    while time.time() < end:
        calls += 1
        kind = r.random()
        if kind < 0.45:
            dtype = r.choice([np.float32, np.uint8, np.uint16])
            count, rows, cols = r.randint(0, 6), r.randint(0, 70), r.randint(0, 70)
            data = np.random.default_rng(calls).random((max(count, 1), max(rows, 1), max(cols, 1))).astype(dtype) * 200
            if dtype == np.float32 and r.random() < 0.1:
                data.flat[r.randrange(data.size)] = r.choice([np.nan, np.inf])
            code = r.choice([0, 1, 2]) if r.random() < 0.1 else {np.float32: 0, np.uint8: 1, np.uint16: 2}[dtype]
            if np.dtype(dtype).itemsize < [4, 1, 2][code]:
                code = {np.float32: 0, np.uint8: 1, np.uint16: 2}[dtype]  # keep the buffer at least as large as described
            map_rows, map_cols = r.choice([(0, 0), (1, count), (count, 1), (2, 3), (-1, -count)])
            pcs = np.array([r.choice([0.5, 0.6, float("nan"), -2.0]) for _ in range(3 * max(count, 1))])
            pc_count = r.choice([0, 1, count, count + 1 if count + 1 <= max(count, 1) else 0])
            start = r.choice([None, None] + [m for m in maps if m is not None])
            out, notes = ctypes.c_void_p(), ctypes.c_void_p()
            pointer = data.ctypes.data_as(ctypes.c_void_p) if r.random() > 0.05 else None
            steps, inputs = random_steps(r), random_inputs(r) if r.random() > 0.1 else None
            if TRACE:
                print(steps, inputs, count, rows, cols, map_rows, map_cols, file=sys.stderr, flush=True)
            status = lib.ebsd_run_steps(steps, inputs, pointer, code,
                                        count if r.random() > 0.05 else -count, rows, cols, map_rows, map_cols,
                                        r.choice([0.0, 1.5, -1.0, float("nan")]), pcs.ctypes.data_as(P(ctypes.c_double)), pc_count, start,
                                        folder.encode() if r.random() < 0.5 else None, _native.PROGRESS(lambda *a: 0), None,
                                        ctypes.byref(out), ctypes.byref(notes), message, 64)
            _native.take_text(notes.value)
            if out.value:
                maps.append(out)
        elif kind < 0.65:
            status, out, _ = random_map(r)
            if out.value:
                maps.append(out)
        elif kind < 0.9 and maps:
            m = r.choice(maps)
            op = r.randrange(6)
            if op == 0:
                csv = ctypes.c_void_p()
                opts = r.choice([b"{}", b'{"hagb": -3}', b'{"min_size": 1e9}', b"[", None, b'{"connectivity": 5}'])
                status = lib.ebsd_grains(m, opts, ctypes.byref(csv), message, 64)
                _native.take_text(csv.value)
            elif op == 1:
                rgb = np.empty(144 * 3, dtype=np.uint8)
                status = lib.ebsd_ipf_colors(m, *[r.choice([0.0, 1.0, float("nan"), -1e308]) for _ in range(3)], 0,
                                             rgb.ctypes.data_as(P(ctypes.c_uint8)), message, 64)
            elif op == 2:
                status = lib.ebsd_pole_figure(m, r.randint(-1, 2), r.choice([b"100;110", b"000", b"1,2", b"", b";;", b"111"]),
                                              os.path.join(folder, "pf.png").encode(), message, 64)
            elif op == 3:
                values = np.empty(144, dtype=np.float32)
                status = lib.ebsd_map_property(m, r.choice([b"ci", b"", b"score", b"\xff\xfe"]), values.ctypes.data_as(P(ctypes.c_float)),
                                               message, 64)
            elif op == 4:
                status = lib.ebsd_map_save(m, os.path.join(folder, r.choice(["m.ang", "m.ctf", "m.h5", "m.xyz", "no/such/m.ang"])).encode(),
                                           message, 64)
            else:
                lib.ebsd_map_free(m)  # later calls then get a freed handle: must be refused, not crash
                status = -1
        else:
            path = os.path.join(folder, r.choice(["p.tif", "p.dat", "p.up1", "p.h5", "p.png", "p.ebsp"]))
            with open(path, "wb") as f:
                f.write(bytes(r.randrange(256) for _ in range(r.randint(0, 400))))
            out = ctypes.c_void_p()
            status = lib.ebsd_stack_open(path.encode(), None, r.choice([0, 1, -1]), r.choice([0, 1, 5]), ctypes.byref(out), message, 64)
            lib.ebsd_stack_free(out)
        statuses[status] = statuses.get(status, 0) + 1
    for m in maps:
        lib.ebsd_map_free(m)
    print(json.dumps({"calls": calls, "statuses": {str(k): v for k, v in sorted(statuses.items())}}))


if __name__ == "__main__":
    main(float(sys.argv[1]), int(sys.argv[2]))
