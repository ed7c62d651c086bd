"""orix's pole density function of given upper-hemisphere poles (float64 x, y, z triples in a binary file), on its
equal-area (azimuth, polar) grid with Gaussian broadening sigma (degrees), in MRD. Prints JSON: bin-centre azimuth and
polar angles (radians) and the values (NaN where masked).

Usage: orix_pdf_peer.py POLES.bin RESOLUTION_DEG SIGMA_DEG
"""
import contextlib
import json
import sys

import numpy as np

with contextlib.redirect_stdout(sys.stderr):
    from orix.measure import pole_density_function
    from orix.vector import Vector3d

    v = np.fromfile(sys.argv[1], dtype=np.float64).reshape(-1, 3)
    hist, (x, y) = pole_density_function(
        Vector3d(v), resolution=float(sys.argv[2]), sigma=float(sys.argv[3]), hemisphere="upper", mrd=True
    )
    from orix.sampling.S2_sampling import _sample_S2_equal_area_coordinates

    az, po = _sample_S2_equal_area_coordinates(float(sys.argv[2]), hemisphere="upper", azimuth_endpoint=True)
    azc = az[:-1] + np.diff(az) / 2
    poc = po[:-1] + np.diff(po) / 2
    A, P = np.meshgrid(azc, poc, indexing="ij")
    values = np.ma.filled(np.ma.asarray(hist, dtype=float), np.nan)
print(json.dumps({"azimuth": A.ravel().tolist(), "polar": P.ravel().tolist(), "mrd": values.ravel().tolist()}))
