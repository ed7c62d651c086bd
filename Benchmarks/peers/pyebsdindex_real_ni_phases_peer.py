"""Two-phase Hough indexing (FCC and BCC) of the 9 real Ni patterns (../shared/data/ni-nordif-3x3) with PyEBSDIndex
itself, at the patterns' mean reference PC (Bruker convention), static background subtracted. Prints JSON: the phase
PyEBSDIndex picks for each pattern ("FCC"/"BCC"/"none"), its confidence metric, and its count of FCC picks.

Usage: pyebsdindex_real_ni_phases_peer.py SHARED_DATA_DIR BANDS
"""
import contextlib
import json
import sys

with contextlib.redirect_stdout(sys.stderr):
    from pyebsdindex import ebsd_index

    from ni_nordif import load

    bands = int(sys.argv[2])
    _, pc, pats = load(sys.argv[1])
    phases = ["FCC", "BCC"]
    data, _ = ebsd_index.index_pats(
        patsin=pats, phaselist=phases, vendor="BRUKER", PC=pc, sampleTilt=70.0, camElev=0.0, nBands=bands)
    best = data[-1]
    picks = [phases[p] if p >= 0 else "none" for p in best["phase"].tolist()]
print(json.dumps({"phases": picks, "cm": [float(c) for c in best["cm"]], "fcc": picks.count("FCC")}))
