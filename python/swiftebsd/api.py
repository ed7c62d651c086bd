"""The library's capabilities with the ecosystem's types. Every option is a key of the `ebsd pipeline` recipe step of
the same name (README "Recipes"), passed through unchanged, so names and defaults are defined once, in the library."""
import ctypes
import io
import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np

from . import _native
from ._convert import (Patterns, MapHandle, detector_keys, handle_from_xmap, inputs_json, master_path, phase_names,
                       xmap_from_handle)

__all__ = ["hough_index", "dictionary_index", "refine", "clean", "grains", "ipf_map", "pole_figure", "load_patterns",
           "load_map", "save_map", "run_pipeline"]


def _steps(steps, inputs, patterns=None, pcs=None, start=None, folder=None, progress=True):
    """Runs recipe steps through ebsd_run_steps; returns the C map made (or None) and the notes."""
    pat = patterns.arguments() if patterns is not None else (None, 0, 0, 0, 0, 0, 0, 0.0)
    pcs_arg = pcs.ctypes.data_as(ctypes.POINTER(ctypes.c_double)) if pcs is not None else None
    out, notes = ctypes.c_void_p(), ctypes.c_void_p()
    reporter = _native.Progress(progress)
    start_pointer = start.pointer if start is not None else None
    keep = (patterns, pcs, start)  # alive for the whole call
    reporter.run(_native.lib.ebsd_run_steps, json.dumps(steps).encode(), inputs.encode() if inputs else None, *pat, pcs_arg,
                 0 if pcs is None else len(pcs), start_pointer, folder.encode() if folder else None, reporter.callback, None,
                 ctypes.byref(out), ctypes.byref(notes))
    del keep
    text = _native.take_text(notes.value)
    return (MapHandle(out) if out.value else None), text


def hough_index(patterns, detector=None, phase_list=("Na",), *, map_shape=None, step=None, voltage_kv=None, progress=True,
                **options):
    """Hough (Radon) indexing → orix CrystalMap with ci, fit, bands, bands_matched, iq.

    patterns: numpy (…, rows, columns) float32/uint8/uint16, or a kikuchipy EBSD signal (its detector and navigation shape
    are used). detector: kikuchipy EBSDDetector, dict of recipe detector keys, or None. phase_list: orix PhaseList, or
    names. options: the `hough` step's keys (bands, theta_steps, families, binning, static_background)."""
    p = Patterns(patterns, map_shape, step)
    keys, pcs = detector_keys(detector, p)
    handle, _ = _steps([{"hough": options}], inputs_json(phase_names(phase_list), keys, voltage_kv=voltage_kv), p, pcs,
                       progress=progress)
    return xmap_from_handle(handle)


def dictionary_index(patterns, master, detector=None, phase=None, *, map_shape=None, step=None, progress=True, **options):
    """Dictionary indexing against patterns simulated from `master` (a master-pattern file) → CrystalMap with score.

    options: the `match` step's keys (resolution, keep, psf, gaussian, dynamic_background, static_background, binning,
    min_score, precision, memory, fast, components, seed ...)."""
    p = Patterns(patterns, map_shape, step)
    keys, pcs = detector_keys(detector, p)
    names = phase_names(phase if phase is not None else _master_phase(master))
    handle, _ = _steps([{"match": options}], inputs_json(names, keys, master_path(master)), p, pcs, progress=progress)
    return xmap_from_handle(handle)


def refine(patterns, xmap, master, detector=None, *, map_shape=None, step=None, progress=True, **options):
    """Refines the orientations of `xmap` (and with refine_pc=True each pattern's PC, written as pc_x/pc_y/pc_z)
    against `patterns` → CrystalMap. options: the `refine` step's keys (refine_pc, map_pc, psf, gaussian, fast …)."""
    p = Patterns(patterns, map_shape, step)
    start = handle_from_xmap(xmap)
    keys, pcs = detector_keys(detector, p)
    names = _map_phases(start)
    handle, _ = _steps([{"refine": options}], inputs_json(names, keys, master_path(master)), p, pcs, start=start,
                       progress=progress)
    return xmap_from_handle(handle)


def clean(xmap, patterns=None, master=None, detector=None, *, progress=True, **steps):
    """Clean-up steps in the order given, each a keyword named as its recipe step: wild_spikes, fill, pseudo_symmetry,
    min_grain_size, neighbour_check. A value is that step's keys (a dict), True for its defaults, or for `fill` a list
    of neighbour counts (fill=[6, 5]). Steps that look at patterns (pseudo_symmetry with verify, neighbour_check) need
    `patterns` and `master`."""
    if not steps:
        raise ValueError("clean: name at least one step (e.g. wild_spikes=True, fill=[6, 5])")
    recipe = []
    for name, value in steps.items():
        if value is False or value is None:
            continue
        if value is True:
            value = {}
        elif name == "fill" and isinstance(value, (list, tuple, int)):
            value = {"neighbours": list(value) if not isinstance(value, int) else [value]}
        elif name == "pseudo_symmetry" and isinstance(value, str):
            value = {"operator": value}
        if not isinstance(value, dict):
            raise ValueError(f"{name}: expected True, a dict of the step's keys{' or a list' if name == 'fill' else ''}")
        recipe.append({name: value})
    start = handle_from_xmap(xmap)
    p, keys, pcs = None, {}, None
    if patterns is not None:
        p = Patterns(patterns)
        keys, pcs = detector_keys(detector, p)
    names = _map_phases(start)
    inputs = inputs_json(names, keys, master_path(master) if master is not None else None)
    handle, _ = _steps(recipe, inputs, p, pcs, start=start, progress=progress)
    return xmap_from_handle(handle)


def grains(xmap, **options):
    """Grains → pandas DataFrame with the columns of grains.csv. options: the `grains` step's keys (hagb, lagb,
    min_size, connectivity)."""
    import pandas as pd

    handle = handle_from_xmap(xmap)
    csv = ctypes.c_void_p()
    _native.call(_native.lib.ebsd_grains, handle.pointer, json.dumps(options).encode(), ctypes.byref(csv))
    return pd.read_csv(io.StringIO(_native.take_text(csv.value)))


def ipf_map(xmap, direction="z", path=None, **options):
    """IPF colours for sample direction "x", "y", "z" or (x, y, z): a (rows, columns, 3) uint8 array. With `path`, the
    publication figure is written there instead (as the `ipf` step draws it: boundaries, scale bar; options: its keys
    boundaries, hagb, lagb, scale, shade) and the array is still returned."""
    handle = handle_from_xmap(xmap)
    vectors = {"x": (1, 0, 0), "y": (0, 1, 0), "z": (0, 0, 1)}
    if isinstance(direction, str):
        if direction.lower() not in vectors:
            raise ValueError(f"direction: '{direction}' (expected x, y, z or three numbers)")
        v = vectors[direction.lower()]
    else:
        v = tuple(float(c) for c in direction)
        if len(v) != 3:
            raise ValueError(f"direction: {direction!r} (expected three numbers)")
    rows, cols = _shape(handle)
    rgb = np.empty((rows, cols, 3), dtype=np.uint8)
    _native.call(_native.lib.ebsd_ipf_colors, handle.pointer, *v, 0, rgb.ctypes.data_as(ctypes.POINTER(ctypes.c_uint8)))
    if path is not None:
        if not isinstance(direction, str):
            raise ValueError("direction: a figure file needs x, y or z")
        with tempfile.TemporaryDirectory() as folder:
            _steps([{"ipf": dict(options, directions=[direction.lower()])}], None, start=handle, folder=folder, progress=False)
            _move(Path(folder) / f"ipf-{direction.lower()}.png", path)
    return rgb


def pole_figure(xmap, path, hkl=("100", "110", "111"), phase=0):
    """Pole figures (equal area, contoured) of phase index `phase` for the plane families `hkl` into the PNG `path`."""
    handle = handle_from_xmap(xmap)
    families = ";".join(h if isinstance(h, str) else ",".join(str(int(i)) for i in h) for h in hkl)
    tmp = f"{path}.tmp.png"
    _native.call(_native.lib.ebsd_pole_figure, handle.pointer, int(phase), families.encode(), tmp.encode())
    os.replace(tmp, path)


def load_patterns(path, map_shape=None, scan=None, step_um=None, as_numpy=False):
    """Every pattern format the library reads → a kikuchipy EBSD signal with the file's detector (float32), or with
    as_numpy=True (or without kikuchipy) a (map rows, map columns, rows, columns) float32 array and a dict of the
    file's geometry. step_um: the scan step where the file states none."""
    out = ctypes.c_void_p()
    rows, cols = (map_shape or (0, 0))
    _native.call(_native.lib.ebsd_stack_open, str(path).encode(), scan.encode() if scan else None, rows, cols, ctypes.byref(out))
    try:
        v = [ctypes.c_int64() for _ in range(5)]
        step, tilt, dtilt = ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
        pc = (ctypes.c_double * 3)()
        _native.call(_native.lib.ebsd_stack_info, out, *[ctypes.byref(x) for x in v], ctypes.byref(step), pc, ctypes.byref(tilt),
                     ctypes.byref(dtilt))
        n, r, c, mr, mc = (x.value for x in v)
        data = np.empty((mr, mc, r, c), dtype=np.float32)
        _native.call(_native.lib.ebsd_stack_read, out, 0, n, data.ctypes.data_as(ctypes.POINTER(ctypes.c_float)))
    finally:
        _native.lib.ebsd_stack_free(out)
    step_value = float(step_um) if step_um else step.value
    info = {"pc": tuple(pc), "convention": "bruker", "sample_tilt": tilt.value, "detector_tilt": dtilt.value,
            "step_um": step_value}
    if not as_numpy:
        try:
            import kikuchipy as kp
        except ImportError:
            as_numpy = True
    if as_numpy:
        return data, info
    s = kp.signals.EBSD(data)
    s.detector = kp.detectors.EBSDDetector(shape=(r, c), pc=tuple(pc), sample_tilt=tilt.value, tilt=dtilt.value)
    for axis in s.axes_manager.navigation_axes:
        axis.scale, axis.units = step_value, "um"
    return s


def load_map(path, scan=None):
    """A map file (.ang, .ctf, .cpr/.crc, .osc, orix/EDAX/Oxford/Bruker HDF5) → orix CrystalMap."""
    out = ctypes.c_void_p()
    _native.call(_native.lib.ebsd_map_load, str(path).encode(), scan.encode() if scan else None, ctypes.byref(out))
    return xmap_from_handle(MapHandle(out))


def save_map(xmap, path):
    """Writes a CrystalMap as .ang, .ctf or orix .h5 (by the extension), through a temporary file."""
    handle = handle_from_xmap(xmap)  # held until the call returns (freed when collected)
    _native.call(_native.lib.ebsd_map_save, handle.pointer, str(path).encode())


def run_pipeline(recipe, output=None, fresh=False, progress=True):
    """Runs a recipe file as `ebsd pipeline` does (report, figures, grains in the output folder) → the final CrystalMap."""
    out = ctypes.c_void_p()
    reporter = _native.Progress(progress)
    reporter.run(_native.lib.ebsd_run_pipeline, str(recipe).encode(), str(output).encode() if output else None, int(bool(fresh)),
                 reporter.callback, None, ctypes.byref(out))
    return xmap_from_handle(MapHandle(out)) if out.value else None


def _shape(handle):
    rows, cols = ctypes.c_int64(), ctypes.c_int64()
    _native.call(_native.lib.ebsd_map_info, handle.pointer, ctypes.byref(rows), ctypes.byref(cols), None, None, None)
    return rows.value, cols.value


def _map_phases(handle):
    n = ctypes.c_int32()
    _native.call(_native.lib.ebsd_map_info, handle.pointer, None, None, None, None, ctypes.byref(n))
    names = []
    for i in range(n.value):
        name = ctypes.create_string_buffer(256)
        _native.call(_native.lib.ebsd_map_phase, handle.pointer, i, name, 256, None)
        names.append(name.value.decode())
    return names


def _master_phase(master):
    stem = Path(str(master)).name.split("-")[0].split("_")[0]
    if not stem:
        raise ValueError("phase: give the phase the master pattern shows")
    return stem[:1].upper() + stem[1:].lower()


def _move(source, target):
    tmp = f"{target}.tmp"
    shutil.copyfile(source, tmp)
    os.replace(tmp, target)
