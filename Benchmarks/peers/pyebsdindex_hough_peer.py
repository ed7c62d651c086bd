"""Peer for `make bench`: PyEBSDIndex Hough indexing (CPU) of the same dev patterns.

Usage: pyebsdindex_hough_peer.py PATTERNS.bin N ROWS COLS TRUTH.bin PCX PCY PCZ
  PATTERNS.bin float32 [n, rows, cols]; TRUTH.bin float64 [n, 4] quaternions (w, x, y, z)
Prints JSON: version, start-up seconds (first call, including numba compilation),
seconds for the timed run, and the fraction within 2° / median error against the truth.
PC is given in the Bruker convention and converted to EDAX/TSL for PyEBSDIndex.
"""
import contextlib
import json
import sys
import time

import numpy as np

with contextlib.redirect_stdout(sys.stderr):
    import pyebsdindex
    from pyebsdindex import ebsd_index
    from orix.quaternion import Orientation, Rotation
    from orix.quaternion.symmetry import Oh

n, rows, cols = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
pats = np.fromfile(sys.argv[1], dtype=np.float32).reshape(n, rows, cols)
truth = np.fromfile(sys.argv[5], dtype=np.float64).reshape(n, 4)
pcx, pcy, pcz = (float(v) for v in sys.argv[6:9])
pc_tsl = (pcx, 1 - pcy, pcz * rows / min(rows, cols))
with contextlib.redirect_stdout(sys.stderr):
    t0 = time.perf_counter()
    indexer = ebsd_index.EBSDIndexer(phaselist=["BCC"], vendor="EDAX", PC=pc_tsl, sampleTilt=70.0, camElev=0.0,
                                     patDim=(rows, cols), nBands=9)
    indexer.index_pats(patsin=pats[:10].copy())
    startup = time.perf_counter() - t0
    t0 = time.perf_counter()
    data = indexer.index_pats(patsin=pats.copy())[0]
    secs = time.perf_counter() - t0
q = data[-1]["quat"]
ours = Orientation(Rotation(q), symmetry=Oh)
ref = Orientation(Rotation(truth), symmetry=Oh)
err = np.degrees(ours.angle_with(ref))
print(json.dumps({"pyebsdindex": pyebsdindex.__version__, "startup_seconds": startup, "seconds": secs, "n": n,
                  "within_2deg": float(np.mean(err <= 2)), "median_deg": float(np.median(err))}))
