"""Hough indexing of the 9 real Ni patterns (../shared/data/ni-nordif-3x3) with PyEBSDIndex, through kikuchipy's
EBSD.hough_indexing (which converts PyEBSDIndex's orientations to orix's convention), at the patterns' mean
reference PC, static background subtracted. Prints JSON: per-pattern disorientation to the reference orientations
(degrees) and their median.

Usage: pyebsdindex_real_ni_peer.py SHARED_DATA_DIR BANDS
"""
import contextlib
import json
import sys

import numpy as np

with contextlib.redirect_stdout(sys.stderr):
    import kikuchipy as kp
    from diffpy.structure import Atom, Lattice, Structure
    from orix.crystal_map import Phase, PhaseList
    from orix.quaternion import Orientation, Rotation
    from orix.quaternion.symmetry import Oh

    from ni_nordif import load

    bands = int(sys.argv[2])
    meta, pc, pats = load(sys.argv[1])
    s = kp.signals.EBSD(pats.reshape(3, 3, 60, 60))
    det = kp.detectors.EBSDDetector(shape=(60, 60), pc=pc, sample_tilt=70)
    ni = Structure(lattice=Lattice(3.5236, 3.5236, 3.5236, 90, 90, 90), atoms=[Atom("Ni", [0, 0, 0])])
    pl = PhaseList(Phase(name="ni", space_group=225, structure=ni))
    xmap = s.hough_indexing(pl, det.get_indexer(pl, nBands=bands), verbose=0)
    o = Orientation(xmap.rotations, Oh)
    ref = Orientation(Rotation.from_euler(np.array(meta["reference_orientations_bunge_rad"])), Oh)
    errs = [float(np.degrees(o[i].angle_with(ref[i])[0])) for i in range(9)]
print(json.dumps({"errors_deg": errs, "median_deg": float(np.median(errs))}))
