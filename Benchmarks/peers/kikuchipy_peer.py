"""Peer timings with kikuchipy for `make bench` (same machine, same run, same inputs).

Usage:
  kikuchipy_peer.py project MASTER.tif ROTATIONS.bin ROWS COLS PCX PCY PCZ
      ROTATIONS.bin: float64 [n, 4] quaternions (scalar first)
  kikuchipy_peer.py dynamic-background PATTERNS.bin N ROWS COLS
      PATTERNS.bin: float32 [n, rows, cols]
Prints one JSON object with the kikuchipy version and seconds (numba warm-up excluded).
"""
import contextlib
import json
import sys
import time

import numpy as np

with contextlib.redirect_stdout(sys.stderr):
    import kikuchipy as kp
    from orix.crystal_map import Phase
    from orix.quaternion import Rotation
    from PIL import Image

mode = sys.argv[1]
if mode == "project":
    path, rot_path = sys.argv[2], sys.argv[3]
    rows, cols = int(sys.argv[4]), int(sys.argv[5])
    pc = tuple(float(v) for v in sys.argv[6:9])
    im = Image.open(path)
    pages = []
    for i in range(2):
        im.seek(i)
        pages.append(np.array(im, dtype=np.float32))
    with contextlib.redirect_stdout(sys.stderr):
        mp = kp.signals.EBSDMasterPattern(np.stack(pages))
        mp.projection = "lambert"
        mp.hemisphere = "both"
        mp.phase = Phase(point_group="m-3m")
        det = kp.detectors.EBSDDetector(shape=(rows, cols), pc=pc, sample_tilt=70)
        q = np.fromfile(rot_path, dtype=np.float64).reshape(-1, 4)
        rot = Rotation(q)
        mp.get_patterns(rot[:10], det, compute=True, dtype_out=np.float32, show_progressbar=False)  # numba warm-up
        t0 = time.perf_counter()
        sim = mp.get_patterns(rot, det, compute=True, dtype_out=np.float32, show_progressbar=False)
        t = time.perf_counter() - t0
    print(json.dumps({"kikuchipy": kp.__version__, "seconds": t, "n": int(q.shape[0])}))
elif mode == "dynamic-background":
    n, rows, cols = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    data = np.fromfile(sys.argv[2], dtype=np.float32).reshape(n, rows, cols)
    with contextlib.redirect_stdout(sys.stderr):
        s = kp.signals.EBSD(data.copy())
        s2 = kp.signals.EBSD(data[:10].copy())
        s2.remove_dynamic_background(show_progressbar=False)  # warm-up
        t0 = time.perf_counter()
        s.remove_dynamic_background(show_progressbar=False)
        t = time.perf_counter() - t0
    print(json.dumps({"kikuchipy": kp.__version__, "seconds": t, "n": n}))
