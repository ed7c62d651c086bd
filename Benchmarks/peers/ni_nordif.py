"""The 9 real Ni patterns of ../shared/data/ni-nordif-3x3 as the peer scripts read them: metadata, the mean reference
PC (Bruker convention) and the patterns with the static background subtracted (float32, 9 x 60 x 60)."""
import json

import numpy as np
import tifffile


def load(d):
    meta = json.load(open(f"{d}/metadata.json"))
    pc = np.array(meta["pc_bruker_per_pattern"]).mean(0)
    pats = tifffile.imread(f"{d}/patterns.tif").astype(np.float32)
    bg = tifffile.imread(f"{d}/static_background.tif").astype(np.float32)
    return meta, pc, pats - bg
