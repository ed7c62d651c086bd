"""Peer timing for `make bench`: PyEBSDIndex's grain labelling on the same map.

Usage: pyebsdindex_peer.py QUATS.bin ROWS COLS TOLERANCE_DEG
  QUATS.bin: float64 [rows*cols, 4] scalar-first quaternions (all one cubic phase)
Prints JSON: version, seconds (numba warm-up excluded), number of grains.
"""
import contextlib
import json
import sys
import time

import numpy as np

with contextlib.redirect_stdout(sys.stderr):
    import pyebsdindex
    from pyebsdindex import crystal_sym, grainlabel

rows, cols, tol = int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
q = np.fromfile(sys.argv[1], dtype=np.float64).reshape(-1, 4)
sym = crystal_sym.laueid2symops(43)
with contextlib.redirect_stdout(sys.stderr):
    grainlabel.phaselabel(q[: 50 * 50].copy(), np.zeros(50 * 50, dtype=np.int32), tol, sym, [50, 50])  # numba warm-up
    t0 = time.perf_counter()
    labels = grainlabel.phaselabel(q, np.zeros(rows * cols, dtype=np.int32), tol, sym, [rows, cols])
    t = time.perf_counter() - t0
lab = np.asarray(labels)
print(json.dumps({"pyebsdindex": pyebsdindex.__version__, "seconds": t, "grains": int(len(np.unique(lab[lab >= 0])))}))
