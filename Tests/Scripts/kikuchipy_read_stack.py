"""Reads a pattern file with kikuchipy and writes its patterns as raw float32.

Usage: kikuchipy_read_stack.py INPUT OUTPUT.raw [NROWS NCOLS]
Prints JSON {"shape": [...]}; used by the Swift tests (only when kikuchipy
is installed) to cross-check the .up1/.up2/.ebsp readers.
"""
import contextlib
import json
import sys

import numpy as np

with contextlib.redirect_stdout(sys.stderr):
    import kikuchipy as kp

    kwargs = {}
    if len(sys.argv) > 4:
        kwargs["nav_shape"] = (int(sys.argv[3]), int(sys.argv[4]))
    try:
        s = kp.load(sys.argv[1], **kwargs)
    except TypeError:
        s = kp.load(sys.argv[1])
data = np.asarray(s.data, dtype=np.float32)
data.tofile(sys.argv[2])
det = s.detector
pc = np.asarray(det.pc, dtype=float).reshape(-1, 3).mean(axis=0).tolist()
print(json.dumps({"shape": list(data.shape), "pc_bruker_mean": pc, "sample_tilt": float(det.sample_tilt), "tilt": float(det.tilt),
                  "binning": int(det.binning)}))
