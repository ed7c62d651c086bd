"""Warms the peer tools' numba caches once, serially, when `make peers` makes their environment.

Run through Tests/Scripts/peer-python (so the caches land in the environment's state folder). Imports orix,
kikuchipy and PyEBSDIndex and runs a small workload of each kind the tests and benchmarks use (rotation
conversions and symmetry reduction, pattern background removal and image quality, PyEBSDIndex's Hough indexing
through kikuchipy, NLPAR),
so that the functions they compile on first use are cached before any test starts peer processes.
Exits non-zero, with the traceback, when a peer tool cannot run.
"""
import contextlib
import os
import sys
import tempfile
import time

import numpy as np

t0 = time.time()


def done(what):
    print(f"peers_warm: {what} ready at {time.time() - t0:.0f} s", file=sys.stderr)


with contextlib.redirect_stdout(sys.stderr):
    from orix.quaternion import Orientation, Rotation
    from orix.quaternion.symmetry import Oh
    from orix.vector import Vector3d
    from orix.measure import pole_density_function

    rng = np.random.default_rng(0)
    r = Rotation.random(200)
    o = Orientation(r, symmetry=Oh)
    o.reduce()
    (o[:100] - o[100:]).angle
    r.to_euler()
    Rotation.from_euler(r.to_euler())
    pole_density_function(Vector3d(rng.normal(size=(200, 3))).unit, resolution=5, sigma=5)
    done("orix")

    import kikuchipy as kp

    pats = rng.random((2, 3, 60, 60)).astype(np.float32)
    s = kp.signals.EBSD(pats.copy())
    s.static_background = pats.mean(axis=(0, 1))
    s.remove_static_background(show_progressbar=False)
    s.remove_dynamic_background(show_progressbar=False)
    s.get_image_quality(show_progressbar=False)
    kp.pattern.get_image_quality(pats[0, 0])
    done("kikuchipy")

    # PyEBSDIndex through kikuchipy's EBSD.hough_indexing, as HoughTests.realNickelAgainstPyEBSDIndex runs it: the
    # same shapes and dtypes (3 x 3 x 60 x 60 float32, an fcc phase, 11 bands), so its numba specialisations are the
    # ones compiled here (about two minutes) and not inside the test run
    from diffpy.structure import Atom, Lattice, Structure
    from orix.crystal_map import Phase, PhaseList

    ni = Structure(lattice=Lattice(3.5236, 3.5236, 3.5236, 90, 90, 90), atoms=[Atom("Ni", [0, 0, 0])])
    phases = PhaseList(Phase(name="ni", space_group=225, structure=ni))
    det = kp.detectors.EBSDDetector(shape=(60, 60), pc=[0.4254, 0.2134, 0.5007], sample_tilt=70)
    ni_like = kp.signals.EBSD((rng.random((3, 3, 60, 60)) * 100).astype(np.float32))
    ni_like.hough_indexing(phases, det.get_indexer(phases, nBands=11), verbose=0)
    done("PyEBSDIndex Hough")

    from pyebsdindex import nlpar_cpu

    data = (pats.reshape(6, 3600) * 1000).astype(np.float32)
    with tempfile.TemporaryDirectory() as tmp:
        up2 = os.path.join(tmp, "stack.up2")
        with open(up2, "wb") as f:
            np.array([1, 60, 60, 16], dtype=np.uint32).tofile(f)
            np.rint(data).astype(np.uint16).tofile(f)
        nl = nlpar_cpu.NLPAR(filename=up2, lam=0.9, searchradius=1, automask=False, saturation_protect=False, nrows=2, ncols=3)
        nl.opt_lambda(verbose=0)
        nl.calcnlpar(fileout=os.path.join(tmp, "out.up2"), verbose=0)
    done("PyEBSDIndex NLPAR")
