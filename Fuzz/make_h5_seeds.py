"""Writes tiny seed files for fuzzing the HDF5 readers (Fuzz/corpus/h5stack, h5map, h5master).

The layouts follow ../shared/HDF5-LAYOUTS.md: Oxford .h5oina, EDAX OIM .h5, Bruker .h5 (with a region of
interest), kikuchipy h5ebsd and an EMsoft master pattern, each a 2 x 3 map of 6 x 8 px patterns (or a 9 x 9
master) so that the fuzzer mutates small files. Needs h5py. Usage: python3 Fuzz/make_h5_seeds.py
"""
import os
import h5py
import numpy as np

root = os.path.join(os.path.dirname(__file__), "corpus")
rng = np.random.default_rng(1)
rows, cols, h, w = 2, 3, 6, 8
n = rows * cols
pats = rng.integers(0, 255, (n, h, w), dtype=np.uint8)


def out(reader, name):
    d = os.path.join(root, reader)
    os.makedirs(d, exist_ok=True)
    return os.path.join(d, name)


for reader in ["h5stack", "h5map"]:
    with h5py.File(out(reader, "oxford.h5oina"), "w") as f:
        f["Manufacturer"] = "Oxford Instruments"
        f["Format Version"] = "7.0"
        hd, dd = f.create_group("1/EBSD/Header"), f.create_group("1/EBSD/Data")
        hd["X Cells"], hd["Y Cells"], hd["X Step"], hd["Y Step"] = np.int32(cols), np.int32(rows), np.float32(1.5), np.float32(1.5)
        hd["Pattern Width"], hd["Pattern Height"], hd["Tilt Angle"] = np.int32(w), np.int32(h), np.float32(1.22)
        hd["Detector Orientation Euler"] = np.array([0, 1.6, 0], np.float32)
        hd["Camera Mode"] = "2x2 (8x6 px)"
        ph = hd.create_group("Phases/1")
        ph["Phase Name"] = "Nickel"
        ph["Lattice Dimensions"] = np.array([[3.52, 3.52, 3.52]], np.float32)
        ph["Lattice Angles"] = np.array([[1.5708, 1.5708, 1.5708]], np.float32)
        ph["Space Group"] = np.int32(225)
        dd.create_dataset("Processed Patterns", data=pats, chunks=(1, h, w))
        dd["Euler"] = rng.random((n, 3), dtype=np.float32)
        dd["Phase"] = np.ones(n, np.uint8)
        for k in ["Pattern Center X", "Pattern Center Y", "Detector Distance"]:
            dd[k] = np.full(n, 0.5, np.float32)
    with h5py.File(out(reader, "edax.h5"), "w") as f:
        f[" Manufacturer"] = np.bytes_("EDAX")
        hd, dd = f.create_group("Scan 1/EBSD/Header"), f.create_group("Scan 1/EBSD/Data")
        hd["nColumns"], hd["nRows"], hd["Step X"], hd["Step Y"] = np.int32(cols), np.int32(rows), np.float32(1), np.float32(1)
        hd["Grid Type"] = np.bytes_("SqrGrid")
        hd["Pattern Width"], hd["Pattern Height"] = np.int32(w), np.int32(h)
        for k, v in [("x-star", 0.5), ("y-star", 0.5), ("z-star", 0.6)]:
            hd["Pattern Center Calibration/" + k] = np.float32(v)
        hd["Phase/1/MaterialName"] = np.bytes_("Nickel")
        hd["Phase/1/Symmetry"] = np.int32(43)
        dd["Pattern"] = pats
        for k in ["Phi1", "Phi", "Phi2", "CI", "IQ", "Fit"]:
            dd[k] = rng.random(n, dtype=np.float32)
        dd["Phase"] = np.ones(n, np.int8)
    with h5py.File(out(reader, "bruker.h5"), "w") as f:
        f["Manufacturer"] = np.bytes_("Bruker Nano")
        hd, dd = f.create_group("Scan 0/EBSD/Header"), f.create_group("Scan 0/EBSD/Data")
        hd["NCOLS"], hd["NROWS"], hd["XSTEP"], hd["YSTEP"] = np.int32(cols), np.int32(rows), 1.0, 1.0
        hd["Grid Type"] = np.bytes_("isometric")
        hd["PatternWidth"], hd["PatternHeight"], hd["SampleTilt"] = np.int32(w), np.int32(h), 70.0
        hd["Phases/1/Name"] = np.bytes_("Nickel")
        hd["Phases/1/IT"] = np.int32(225)
        order = rng.permutation(n)
        dd["RawPatterns"] = pats[order]
        for k in ["phi1", "PHI", "phi2", "PCX", "PCY", "DD", "MAD"]:
            dd[k] = rng.random(n, dtype=np.float32)
        dd["Phase"] = np.ones(n, np.int32)
        f["Scan 0/EBSD/SEM/IX"] = (np.arange(n) % cols)[order].astype(np.int32)
        f["Scan 0/EBSD/SEM/IY"] = (np.arange(n) // cols)[order].astype(np.int32)
    with h5py.File(out(reader, "kikuchipy.h5"), "w") as f:
        f["manufacturer"], f["version"] = np.bytes_("kikuchipy"), np.bytes_("0.13.1")
        hd = f.create_group("Scan 1/EBSD/Header")
        for k, v in [("n_rows", rows), ("n_columns", cols), ("pattern_height", h), ("pattern_width", w), ("binning", 1)]:
            hd[k] = np.int32(v)
        for k, v in [("pcx", 0.5), ("pcy", 0.5), ("pcz", 0.6), ("sample_tilt", 70.0), ("step_x", 1.0), ("step_y", 1.0)]:
            hd[k] = v
        f["Scan 1/EBSD/Data/patterns"] = pats
        cm = f.create_group("Scan 1/EBSD/CrystalMap/crystal_map")
        for k in ["phi1", "Phi", "phi2"]:
            cm["data/" + k] = rng.random(n)
        cm["data/phase_id"] = np.zeros(n, np.int32)
        cm["data/x"], cm["data/y"] = (np.arange(n) % cols).astype(float), (np.arange(n) // cols).astype(float)
        cm["header/x_step"], cm["header/y_step"] = 1.0, 1.0
        cm["header/phases/0/name"] = np.bytes_("ni")
        cm["header/phases/0/point_group"] = np.bytes_("m-3m")

with h5py.File(out("h5master", "emsoft.h5"), "w") as f:
    m = f.create_group("EMData/EBSDmaster")
    m["mLPNH"] = rng.random((1, 2, 9, 9), dtype=np.float32)
    m["mLPSH"] = rng.random((1, 2, 9, 9), dtype=np.float32)
    m["EkeVs"] = np.array([19.0, 20.0], np.float32)
    m["xtalname"] = np.bytes_("Ni.xtal")
    f["EMData/MCOpenCL/accum_e"] = rng.integers(0, 9, (5, 5, 2)).astype(np.int32)
    f["CrystalData/LatticeParameters"] = np.array([0.35236, 0.35236, 0.35236, 90, 90, 90])
    f["CrystalData/SpaceGroupNumber"] = np.int32(225)
