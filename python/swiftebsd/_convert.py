"""Conversions between the ecosystem's types (numpy, kikuchipy EBSD/EBSDDetector, orix CrystalMap/PhaseList) and the
plain arrays of the C ABI. Every refusal is a ValueError that names the argument."""
import ctypes
import json
from pathlib import Path

import numpy as np

from . import _native

DTYPES = {np.dtype(np.float32): 0, np.dtype(np.uint8): 1, np.dtype(np.uint16): 2}


class Patterns:
    """A contiguous pattern array (count × rows × columns of float32/uint8/uint16) with its map shape and step,
    the detector a kikuchipy signal carries (or None)."""

    def __init__(self, patterns, map_shape=None, step=None):
        detector = None
        if hasattr(patterns, "axes_manager") and hasattr(patterns, "data"):  # a kikuchipy EBSD signal
            detector = getattr(patterns, "detector", None)
            nav = tuple(patterns.axes_manager.navigation_shape[::-1])
            if map_shape is None and len(nav) == 2:
                map_shape = nav
            if step is None and len(nav) >= 1:
                scale = patterns.axes_manager.navigation_axes[0].scale
                step = float(scale) if scale and scale > 0 else None
            patterns = patterns.data
        if hasattr(patterns, "compute") and not isinstance(patterns, np.ndarray):  # dask
            patterns = patterns.compute()
        if not isinstance(patterns, np.ndarray):
            raise ValueError(f"patterns: expected a numpy array or a kikuchipy EBSD signal, got {type(patterns).__name__}")
        if patterns.ndim < 2:
            raise ValueError(f"patterns: expected (..., rows, columns), got shape {patterns.shape}")
        if patterns.dtype not in DTYPES:
            raise ValueError(f"patterns: dtype {patterns.dtype} (expected float32, uint8 or uint16; convert with .astype)")
        if not patterns.flags["C_CONTIGUOUS"]:
            raise ValueError("patterns: the array is not C-contiguous (use numpy.ascontiguousarray)")
        nav = patterns.shape[:-2]
        if map_shape is None:
            map_shape = nav if len(nav) == 2 else (1, int(np.prod(nav, dtype=np.int64)))
        self.rows, self.columns = patterns.shape[-2:]
        self.count = int(np.prod(nav, dtype=np.int64))
        if self.count == 0:
            raise ValueError("patterns: no pattern in the array")
        if len(map_shape) != 2 or int(map_shape[0]) * int(map_shape[1]) != self.count:
            raise ValueError(f"map_shape: {tuple(map_shape)} does not hold the {self.count} patterns")
        if patterns.dtype == np.float32 and not np.isfinite(patterns).all():
            first = int(np.argmin(np.isfinite(patterns).reshape(self.count, -1).all(axis=1)))
            raise ValueError(f"patterns: a non-finite value (NaN or infinity) in pattern {first}")
        self.array = patterns
        self.map_shape = (int(map_shape[0]), int(map_shape[1]))
        self.step = float(step) if step else 0.0
        self.detector = detector

    def arguments(self):
        a = self.array
        return (a.ctypes.data_as(ctypes.c_void_p), DTYPES[a.dtype], self.count, self.rows, self.columns, self.map_shape[0],
                self.map_shape[1], self.step)


def detector_keys(detector, patterns):
    """The recipe's detector keys and the per-pattern PCs (n × 3 float64 or None) from a kikuchipy EBSDDetector, a
    dict of recipe keys (pc, convention, sample_tilt, detector_tilt, azimuthal, binning, pixel_size), or None (the
    signal's own detector, else the library's defaults)."""
    if detector is None:
        detector = patterns.detector
    if detector is None:
        return {}, None
    if isinstance(detector, dict):
        keys = dict(detector)
        pcs = None
        pc = keys.get("pc")
        if pc is not None:
            pc = np.asarray(pc, dtype=np.float64)
            if pc.shape == (3,):
                keys["pc"] = [float(v) for v in pc]
            elif pc.size == 3 * patterns.count:
                pcs = np.ascontiguousarray(pc.reshape(-1, 3))
                keys.pop("pc")
            else:
                raise ValueError(f"detector: pc of shape {pc.shape} (expected 3 values or one triple per pattern)")
        return keys, pcs
    if not hasattr(detector, "pc") or not hasattr(detector, "shape"):
        raise ValueError(f"detector: expected a kikuchipy EBSDDetector or a dict of detector keys, got {type(detector).__name__}")
    if tuple(detector.shape) != (patterns.rows, patterns.columns):
        raise ValueError(f"detector: its shape {tuple(detector.shape)} does not match the patterns' {(patterns.rows, patterns.columns)}")
    keys = {"convention": "bruker", "sample_tilt": float(detector.sample_tilt), "detector_tilt": float(detector.tilt),
            "azimuthal": float(getattr(detector, "azimuthal", 0.0)), "binning": int(detector.binning),
            "pixel_size": float(detector.px_size)}
    pc = np.asarray(detector.pc, dtype=np.float64).reshape(-1, 3)  # kikuchipy stores Bruker PCs
    if not np.isfinite(pc).all():
        raise ValueError("detector: a pattern centre is not finite")
    if len(pc) == 1 or np.allclose(pc, pc[0], rtol=0, atol=0):
        keys["pc"] = [float(v) for v in pc[0]]
        return keys, None
    if len(pc) != patterns.count:
        raise ValueError(f"detector: {len(pc)} pattern centres for {patterns.count} patterns")
    return keys, np.ascontiguousarray(pc)


def phase_names(phase_list):
    """Phase names from an orix PhaseList or Phase, a name, or names (built-in: Na, Li, Al, Cu, Ni, Fe ...; or .json)."""
    if phase_list is None:
        raise ValueError("phase_list: no phase given")
    if isinstance(phase_list, str):
        names = [phase_list]
    elif hasattr(phase_list, "names") and hasattr(phase_list, "ids"):  # orix PhaseList
        names = [n for i, n in zip(phase_list.ids, phase_list.names) if i >= 0 and n != "not_indexed"]
    elif hasattr(phase_list, "point_group") and hasattr(phase_list, "name"):  # orix Phase
        names = [phase_list.name]
    else:
        names = [getattr(p, "name", p) for p in phase_list]
    if not names or not all(isinstance(n, str) and n for n in names):
        raise ValueError(f"phase_list: expected phase names, got {phase_list!r}")
    return names


def master_path(master):
    """A master pattern file (our TIFFs, EMsoft .h5, kikuchipy's north/south Lambert TIFF)."""
    if isinstance(master, (str, Path)):
        if not Path(master).is_file():
            raise ValueError(f"master: {master}: no such file")
        return str(master)
    raise ValueError(f"master: expected the path of a master-pattern file, got {type(master).__name__}")


def inputs_json(phases, detector_keys=None, master=None, voltage_kv=None):
    inputs = {"phases": list(phases)}
    if detector_keys:
        inputs["detector"] = detector_keys
    if master is not None:
        if len(phases) != 1:
            raise ValueError(f"phase_list: pattern matching takes one phase (got {phases})")
        inputs["master_patterns"] = {phases[0]: master}
    if voltage_kv is not None:
        inputs["voltage_kv"] = float(voltage_kv)
    return json.dumps(inputs)


# --- maps ---------------------------------------------------------------------------------------------------------

class MapHandle:
    """An ebsd_map* owned by Python (freed when collected)."""

    def __init__(self, pointer):
        self.pointer = ctypes.c_void_p(pointer) if not isinstance(pointer, ctypes.c_void_p) else pointer

    def __del__(self):
        if self.pointer:
            _native.lib.ebsd_map_free(self.pointer)
            self.pointer = None


def handle_from_xmap(xmap):
    """The C map of an orix CrystalMap (quaternions of every point, phase ids, grid, float properties)."""
    if hasattr(xmap, "pointer"):
        return xmap
    if not all(hasattr(xmap, a) for a in ("rotations", "phase_id", "is_in_data", "phases")):
        raise ValueError(f"xmap: expected an orix CrystalMap, got {type(xmap).__name__}")
    shape = xmap.shape if len(xmap.shape) == 2 else (1, xmap.size)
    n = int(np.prod(shape))
    if xmap.is_in_data.size != n:
        raise ValueError(f"xmap: {xmap.is_in_data.size} points for a {shape} grid")
    q = np.zeros((n, 4))
    q[:, 0] = 1
    rot = xmap.rotations.data.reshape(-1, 4) if xmap.rotations.data.ndim == 2 else xmap.rotations.data[:, 0]
    q[xmap.is_in_data] = rot
    ids = np.full(n, -1, dtype=np.int64)
    ids[xmap.is_in_data] = xmap.phase_id
    used = [i for i in xmap.phases.ids if i >= 0 and xmap.phases[i].name != "not_indexed"]
    names = [xmap.phases[i].name for i in used]
    index = np.full(n, -1, dtype=np.int32)
    for k, i in enumerate(used):
        index[ids == i] = k
    dx = float(getattr(xmap, "dx", 1.0) or 1.0)
    dy = float(getattr(xmap, "dy", dx) or dx)
    out = ctypes.c_void_p()
    q = np.ascontiguousarray(q, dtype=np.float64)
    _native.call(_native.lib.ebsd_map_create, shape[0], shape[1], dx, dy, ",".join(names).encode(),
                 q.ctypes.data_as(ctypes.POINTER(ctypes.c_double)), index.ctypes.data_as(ctypes.POINTER(ctypes.c_int32)),
                 ctypes.byref(out))
    handle = MapHandle(out)
    for name, values in xmap.prop.items():
        values = np.asarray(values)
        if values.ndim != 1 or not np.issubdtype(values.dtype, np.number):
            continue
        full = np.full(n, np.nan, dtype=np.float32)
        full[xmap.is_in_data] = values
        out = ctypes.c_void_p()
        _native.call(_native.lib.ebsd_map_set_property, handle.pointer, name.encode(),
                     full.ctypes.data_as(ctypes.POINTER(ctypes.c_float)), ctypes.byref(out))
        handle = MapHandle(out)
    return handle


def map_arrays(handle):
    """Grid, quaternions, phase indices, phases (name, space group) and properties of a C map."""
    rows, cols, sx, sy, nph = ctypes.c_int64(), ctypes.c_int64(), ctypes.c_double(), ctypes.c_double(), ctypes.c_int32()
    _native.call(_native.lib.ebsd_map_info, handle.pointer, ctypes.byref(rows), ctypes.byref(cols), ctypes.byref(sx),
                 ctypes.byref(sy), ctypes.byref(nph))
    n = rows.value * cols.value
    q = np.empty((n, 4), dtype=np.float64)
    idx = np.empty(n, dtype=np.int32)
    _native.call(_native.lib.ebsd_map_orientations, handle.pointer, q.ctypes.data_as(ctypes.POINTER(ctypes.c_double)),
                 idx.ctypes.data_as(ctypes.POINTER(ctypes.c_int32)))
    phases = []
    for i in range(nph.value):
        name, sg = ctypes.create_string_buffer(256), ctypes.c_int32()
        _native.call(_native.lib.ebsd_map_phase, handle.pointer, i, name, 256, ctypes.byref(sg))
        phases.append((name.value.decode(), sg.value))
    names = ctypes.create_string_buffer(1 << 16)
    _native.call(_native.lib.ebsd_map_property_names, handle.pointer, names, 1 << 16)
    props = {}
    for key in filter(None, names.value.decode().split("\n")):
        v = np.empty(n, dtype=np.float32)
        _native.call(_native.lib.ebsd_map_property, handle.pointer, key.encode(), v.ctypes.data_as(ctypes.POINTER(ctypes.c_float)))
        props[key] = v
    return (rows.value, cols.value, sx.value, sy.value), q, idx, phases, props


def xmap_from_handle(handle):
    """An orix CrystalMap of a C map: rotations (P = +1, passive, as orix), phase ids (−1 not indexed), x/y in µm,
    every property (ci, iq, fit, bands, score, pc_x ... as the library names them)."""
    from orix.crystal_map import CrystalMap, Phase, PhaseList
    from orix.quaternion import Rotation

    (rows, cols, sx, sy), q, idx, phases, props = map_arrays(handle)
    plist = PhaseList([Phase(name=name, space_group=sg) for name, sg in phases])
    y, x = np.mgrid[0:rows, 0:cols]
    return CrystalMap(rotations=Rotation(q), phase_id=idx.astype(int), x=(x * sx).ravel().astype(float),
                      y=(y * sy).ravel().astype(float), phase_list=plist, prop=props, scan_unit="um")
