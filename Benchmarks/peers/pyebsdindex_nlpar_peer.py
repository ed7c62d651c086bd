"""NLPAR of raw float32 patterns with PyEBSDIndex, for comparison with ours on the same stack.

Usage: pyebsdindex_nlpar.py PATTERNS.raw MAP_ROWS MAP_COLS PAT_ROWS PAT_COLS LAMBDA RADIUS OUT.raw
The patterns must be integer counts (they are written to an EDAX .up2 file, as PyEBSDIndex reads).
Writes the averaged patterns (float32, PyEBSDIndex's NLPAR kernel on the whole map in memory, no mask, no
saturation protection) to OUT.raw; prints JSON: "seconds" (PyEBSDIndex's own file-to-file NLPAR, its usual
use, best of 2), "lambda_estimated" (its opt_lambda, the value auto_nlpar uses).
"""
import contextlib
import json
import os
import sys
import tempfile
import time

import numpy as np

with contextlib.redirect_stdout(sys.stderr):
    from pyebsdindex import nlpar_cpu

path, mr, mc, pr, pc, lam, sr, out = sys.argv[1:9]
mr, mc, pr, pc, lam, sr = int(mr), int(mc), int(pr), int(pc), float(lam), int(sr)
data = np.fromfile(path, dtype=np.float32).reshape(mr * mc, pr * pc)
with tempfile.TemporaryDirectory() as tmp:
    up2 = os.path.join(tmp, "stack.up2")
    with open(up2, "wb") as f:
        np.array([1, pc, pr, 16], dtype=np.uint32).tofile(f)
        np.rint(data).astype(np.uint16).tofile(f)
    with contextlib.redirect_stdout(sys.stderr):
        nl = nlpar_cpu.NLPAR(filename=up2, lam=lam, searchradius=sr, automask=False, saturation_protect=False,
                             nrows=mr, ncols=mc)
        estimated = nl.opt_lambda(verbose=0)
        best = float("inf")
        for k in range(2):
            nl = nlpar_cpu.NLPAR(filename=up2, lam=lam, searchradius=sr, automask=False, saturation_protect=False,
                                 nrows=mr, ncols=mc)
            t0 = time.perf_counter()
            nl.calcnlpar(fileout=os.path.join(tmp, f"out{k}.up2"), verbose=0)
            best = min(best, time.perf_counter() - t0)
        indices = np.arange(pr * pc, dtype=np.uint64)
        sigma = nlpar_cpu.NLPAR.sigma_numba(data, 1, mr, mc, np.array([0, mr], dtype=np.int64),
                                            np.array([0, mc], dtype=np.int64), indices, False)[0]
        averaged = nlpar_cpu.NLPAR.nlpar_nb(data, np.float32(lam), np.int64(sr), np.float32(0.0), sigma, mr, mc,
                                            calclim=np.array([0, 0, mc, mr], dtype=np.int64),
                                            indices_in=indices.astype(np.int64), saturation_protect=False)
averaged.astype(np.float32).tofile(out)
print(json.dumps({"seconds": best, "lambda_estimated": [float(x) for x in np.atleast_1d(estimated)]}))
