"""Two-phase Hough indexing (FCC and BCC) of the 9 real Ni patterns (../shared/data/ni-nordif-3x3) with PyEBSDIndex
itself, at the patterns' mean reference PC (Bruker convention), static background subtracted. Prints JSON: the phase
PyEBSDIndex picks for each pattern ("FCC"/"BCC"/"none"), its confidence metric, and its count of FCC picks.

Usage: pyebsdindex_real_ni_phases_peer.py SHARED_DATA_DIR BANDS
"""
import contextlib
import json
import sys

import numpy as np

with contextlib.redirect_stdout(sys.stderr):
    import tifffile
    from pyebsdindex import ebsd_index

    d = sys.argv[1]
    bands = int(sys.argv[2])
    meta = json.load(open(f"{d}/metadata.json"))
    pc = np.array(meta["pc_bruker_per_pattern"]).mean(0)
    pats = tifffile.imread(f"{d}/patterns.tif").astype(np.float32)
    bg = tifffile.imread(f"{d}/static_background.tif").astype(np.float32)
    phases = ["FCC", "BCC"]
    data, _ = ebsd_index.index_pats(
        patsin=pats - bg, phaselist=phases, vendor="BRUKER", PC=pc, sampleTilt=70.0, camElev=0.0, nBands=bands)
    best = data[-1]
    picks = [phases[p] if p >= 0 else "none" for p in best["phase"].tolist()]
print(json.dumps({"phases": picks, "cm": [float(c) for c in best["cm"]], "fcc": picks.count("FCC")}))
