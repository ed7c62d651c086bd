"""Pattern sharpness (Krieger Lassen image quality) of raw float32 patterns with kikuchipy.

Usage: kikuchipy_image_quality.py PATTERNS.raw ROWS COLUMNS
Prints a JSON list: kikuchipy.pattern.get_image_quality of each pattern (normalised, its defaults).
"""
import contextlib
import json
import sys

import numpy as np

with contextlib.redirect_stdout(sys.stderr):
    import kikuchipy as kp

rows, cols = int(sys.argv[2]), int(sys.argv[3])
data = np.fromfile(sys.argv[1], dtype=np.float32).reshape(-1, rows, cols)
print(json.dumps([float(kp.pattern.get_image_quality(p)) for p in data]))
