"""Peer timings with kikuchipy for `make bench` (same machine, same run, same inputs).

Usage:
  kikuchipy_peer.py project MASTER.tif ROTATIONS.bin ROWS COLS PCX PCY PCZ
      ROTATIONS.bin: float64 [n, 4] quaternions (scalar first)
  kikuchipy_peer.py dynamic-background PATTERNS.bin N ROWS COLS
  kikuchipy_peer.py match MASTER.tif PATTERNS.tif TRUTH.json N RESOLUTION PCX PCY PCZ
      dictionary generation, dictionary indexing (top 5) and Nelder-Mead refinement,
      timed separately, with accuracy against the truth (m-3m)
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
elif mode == "match":
    mp_path, pat_path, truth_path = sys.argv[2], sys.argv[3], sys.argv[4]
    n, res = int(sys.argv[5]), float(sys.argv[6])
    pc = tuple(float(v) for v in sys.argv[7:10])
    with contextlib.redirect_stdout(sys.stderr):
        from orix.quaternion import Orientation, symmetry
        from orix.sampling import get_sample_fundamental
        im = Image.open(mp_path)
        pages = []
        for i in range(2):
            im.seek(i)
            pages.append(np.array(im, dtype=np.float32))
        mp = kp.signals.EBSDMasterPattern(np.stack(pages))
        mp.projection = "lambert"
        mp.hemisphere = "both"
        mp.phase = Phase(point_group="m-3m")
        im = Image.open(pat_path)
        data = []
        for i in range(n):
            im.seek(i)
            data.append(np.array(im, dtype=np.float32))
        data = np.stack(data)
        rows, cols = data.shape[1:]
        det = kp.detectors.EBSDDetector(shape=(rows, cols), pc=pc, sample_tilt=70)
        s = kp.signals.EBSD(data.copy())
        s.static_background = data.mean(axis=0)
        s.remove_static_background(show_progressbar=False)
        s.remove_dynamic_background(show_progressbar=False)
        rot = get_sample_fundamental(res, point_group=symmetry.Oh)
        mp.get_patterns(rot[:10], det, compute=True, dtype_out=np.float32, show_progressbar=False)  # warm-up
        t0 = time.perf_counter()
        sim = mp.get_patterns(rot, det, compute=True, dtype_out=np.float32, show_progressbar=False)
        t_gen = time.perf_counter() - t0
        t0 = time.perf_counter()
        xmap = s.dictionary_indexing(sim, keep_n=5, n_per_iteration=4000)
        t_match = time.perf_counter() - t0
        t0 = time.perf_counter()
        ref = s.refine_orientation(xmap, det, mp, energy=20, method="minimize", method_kwargs=dict(method="Nelder-Mead"), compute=True)
        t_ref = time.perf_counter() - t0
        truth = Orientation(np.array(json.load(open(truth_path))["quaternions_wxyz"])[:n], symmetry.Oh)
        e0 = np.degrees(Orientation(xmap.rotations.data[:, 0] if xmap.rotations.data.ndim == 3 else xmap.rotations.data, symmetry.Oh).angle_with(truth))
        e1 = np.degrees(Orientation(ref.rotations.data, symmetry.Oh).angle_with(truth))
    print(json.dumps({"kikuchipy": kp.__version__, "n": n, "dictionary": int(rot.size), "generation_seconds": t_gen, "match_seconds": t_match,
                      "refine_seconds": t_ref, "dictionary_within2": float((e0 <= 2).mean()), "dictionary_median_deg": float(np.median(e0)),
                      "refined_within2": float((e1 <= 2).mean()), "refined_median_deg": float(np.median(e1))}))
