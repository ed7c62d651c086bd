"""Peer timings with orix for `make bench` (run by ebsd-bench, same machine, same run).

Usage:
  orix_peer.py disorientation PAIRS.bin   (float64 [n, 8]: q1, q2 scalar-first)
  orix_peer.py ang-read FILE.ang
Prints one JSON object: the orix version, the time and, for disorientation,
the angles (degrees, float64) written to PAIRS.bin.orix for comparison.
"""
import contextlib
import json
import sys
import time

import numpy as np
import orix
from orix.quaternion import Orientation
from orix.quaternion.symmetry import Oh

mode, path = sys.argv[1], sys.argv[2]
if mode == "disorientation":
    data = np.fromfile(path, dtype=np.float64).reshape(-1, 8)
    out = np.empty(len(data))
    chunk = 50_000  # orix expands symmetry per pair; chunks keep memory bounded
    t0 = time.perf_counter()
    for s in range(0, len(data), chunk):
        o1 = Orientation(data[s : s + chunk, :4], symmetry=Oh)
        o2 = Orientation(data[s : s + chunk, 4:], symmetry=Oh)
        out[s : s + chunk] = np.degrees(o1.angle_with(o2))
    t = time.perf_counter() - t0
    out.tofile(path + ".orix")
    print(json.dumps({"orix": orix.__version__, "seconds": t, "n": len(data)}))
elif mode == "ang-read":
    from orix import io

    t0 = time.perf_counter()
    with contextlib.redirect_stdout(sys.stderr):
        xmap = io.load(path)
    t = time.perf_counter() - t0
    print(json.dumps({"orix": orix.__version__, "seconds": t, "n": int(xmap.size)}))
