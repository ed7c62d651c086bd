"""Shared fixtures of the swiftebsd tests: the repository, ../shared, the `ebsd` binary the Swift tests built, and
the real Ni and synthetic Na patterns with their references."""
import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("EBSD_SHARED", ROOT.parent / "shared"))
EBSD = Path(os.environ.get("EBSD_BINARY", ROOT / ".build" / "debug" / "ebsd"))


def need(path):
    if not Path(path).exists():
        pytest.skip(f"{path} is missing")
    return Path(path)


@pytest.fixture(scope="session")
def ni():
    """The 9 real NORDIF Ni patterns (uint8, 3 × 3 × 60 × 60; "corrected": minus the static background, float32), their
    Bruker PCs and kikuchipy's reference orientations."""
    folder = need(SHARED / "data" / "ni-nordif-3x3")
    meta = json.loads((folder / "metadata.json").read_text())
    raw = np.fromfile(folder / "nordif" / "Pattern.dat", dtype=np.uint8).reshape(3, 3, 60, 60)
    pcs = np.array(meta["pc_bruker_per_pattern"])
    from orix.quaternion import Rotation
    refs = Rotation.from_euler(np.array(meta["reference_orientations_bunge_rad"]))
    import tifffile
    background = tifffile.imread(folder / "static_background.tif").astype(np.float32).reshape(60, 60)
    corrected = np.ascontiguousarray(raw.astype(np.float32) - background)
    return {"patterns": raw, "corrected": corrected, "pcs": pcs, "pc": pcs.mean(axis=0), "references": refs}


@pytest.fixture(scope="session")
def dev60():
    """The synthetic Na set (500 patterns, 60 × 60 uint16, kikuchipy's simulator + noise) and its truth."""
    folder = need(SHARED / "dev" / "na-kinematical-60px")
    import tifffile
    patterns = np.ascontiguousarray(tifffile.imread(folder / "patterns.tif"))
    truth = np.array(json.loads((folder / "truth.json").read_text())["quaternions_wxyz"])
    return {"patterns": patterns, "truth": truth, "pc": (0.5, 0.5, 0.6), "folder": folder}


@pytest.fixture(scope="session")
def ebsd_binary():
    if not EBSD.is_file():
        pytest.skip(f"{EBSD} is not built (make test builds it)")
    return EBSD


def disorientation_deg(a, b):
    """Disorientation angles (degrees, m-3m) between two orix Rotations of the same length."""
    from orix.quaternion import Orientation
    from orix.quaternion.symmetry import Oh
    return np.degrees(Orientation(a, symmetry=Oh).angle_with(Orientation(b, symmetry=Oh)))


def same_quaternions(a, b):
    """Largest difference between two (n, 4) quaternion arrays, q and −q being the same rotation."""
    a, b = np.asarray(a).reshape(-1, 4), np.asarray(b).reshape(-1, 4)
    sign = np.sign(np.sum(a * b, axis=1))[:, None]
    return float(np.max(np.abs(a - sign * b)))


def peer_unavailable(name):
    try:
        __import__(name)
        return None
    except ImportError as e:
        return f"{name} cannot be imported ({e})"


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def which_swift():
    return shutil.which("swift")
