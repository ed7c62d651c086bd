"""Reads a crystal map with orix and prints its rotations as JSON.

Used by the Swift tests (only when Python with orix is installed) to check
that the .ang and .ctf files the library writes read back in orix to the
same orientations.
"""
import contextlib
import json
import sys

from orix import io

with contextlib.redirect_stdout(sys.stderr):  # orix prints notes while loading
    xmap = io.load(sys.argv[1])
rot = xmap.rotations.data  # (n, 4), only for points in the map, file order
out = {
    "shape": list(xmap.shape),
    "phase_id": [int(v) for v in xmap.phase_id],
    "q": rot.tolist(),
    "x": [float(v) for v in xmap.x],
    "y": [float(v) for v in xmap.y],
}
json.dump(out, sys.stdout)
