"""swiftebsd against the Swift library itself (the `ebsd` command on the same inputs, maps read back by orix), its
ecosystem types, bad input, progress and Ctrl-C."""
import subprocess
import time

import numpy as np
import pytest

import swiftebsd as se
from conftest import ROOT, SHARED, disorientation_deg, same_quaternions


def test_hough_equals_the_swift_library_and_kikuchipy_references(ni, ebsd_binary, tmp_path):
    from orix import io
    pc = ni["pc"]
    xmap = se.hough_index(ni["patterns"], {"pc": list(pc)}, ["Ni"], bands=9, progress=False)
    out = tmp_path / "cli.h5"
    subprocess.run([str(ebsd_binary), "index", "hough", str(SHARED / "data/ni-nordif-3x3/nordif/Pattern.dat"), "--phase", "Ni",
                    "--pc", ",".join(map(str, pc)), "--bands", "9", "--static-background", "none", "-o", str(out)],
                   check=True, capture_output=True)
    cli = io.load(out)
    assert same_quaternions(xmap.rotations.data, cli.rotations.data) < 1e-6
    assert [xmap.phases[i].name for i in xmap.phase_id] == [cli.phases[i].name for i in cli.phase_id]  # the file numbers from 1
    np.testing.assert_allclose(xmap.prop["ci"], cli.prop["ci"], rtol=0, atol=1e-6)
    corrected = se.hough_index(ni["corrected"], {"pc": list(pc)}, ["Ni"], bands=9, progress=False)
    assert np.all(disorientation_deg(corrected.rotations, ni["references"]) < 2)  # real patterns, kikuchipy's reference


def test_per_pattern_centres_from_a_kikuchipy_detector_and_an_orix_phase_list(ni):
    import kikuchipy as kp
    s = kp.signals.EBSD(ni["corrected"].copy())
    s.detector = kp.detectors.EBSDDetector(shape=(60, 60), pc=ni["pcs"].reshape(3, 3, 3), sample_tilt=70)
    from orix.crystal_map import PhaseList
    xmap = se.hough_index(s, phase_list=PhaseList(names=["Ni"], space_groups=[225]), bands=9, progress=False)
    same = se.hough_index(ni["corrected"], {"pc": ni["pcs"]}, ["Ni"], bands=9, progress=False)
    assert same_quaternions(xmap.rotations.data, same.rotations.data) < 1e-12
    assert xmap.shape == (3, 3)
    assert np.all(disorientation_deg(xmap.rotations, ni["references"]) < 2)


def test_dictionary_and_refinement_equal_the_swift_library(dev60, ebsd_binary, tmp_path):
    from orix import io
    n = 60
    patterns = dev60["patterns"][:n]
    master = str(ROOT / "MasterPatterns" / "Na-20kV-kinematical.tif")
    matched = se.dictionary_index(patterns, master, {"pc": [0.5, 0.5, 0.6]}, "Na", resolution=4, progress=False)
    refined = se.refine(patterns, matched, master, {"pc": [0.5, 0.5, 0.6]}, progress=False)
    stack = tmp_path / "p.tif"
    import tifffile
    tifffile.imwrite(stack, patterns)
    out = tmp_path / "cli.h5"
    subprocess.run([str(ebsd_binary), "index", "match", str(stack), "--master", master, "--pc", "0.5,0.5,0.6", "--resolution", "4",
                    "--map-shape", f"1x{n}", "--refine", "-o", str(out)], check=True, capture_output=True)
    cli = io.load(out)
    assert same_quaternions(refined.rotations.data, cli.rotations.data) < 1e-6
    err = disorientation_deg(refined.rotations, __import__("orix.quaternion", fromlist=["Rotation"]).Rotation(dev60["truth"][:n]))
    assert np.median(err) < 1.0


def test_every_returned_map_is_read_by_orix_and_the_chain_runs(ni, tmp_path):
    from orix import io
    xmap = se.hough_index(ni["patterns"], {"pc": list(ni["pc"])}, ["Ni"], bands=9, progress=False)
    cleaned = se.clean(xmap, wild_spikes=True, fill=[6, 5])
    for m in (xmap, cleaned):
        path = tmp_path / f"m{id(m)}.h5"
        io.save(path, m)
        back = io.load(path)
        assert same_quaternions(back.rotations.data, m.rotations.data) < 1e-12
    table = se.grains(cleaned, hagb=10)
    assert list(table.columns)[:3] == ["grain", "phase", "pixels"] and len(table.columns) == 15
    assert table.pixels.sum() == 9
    rgb = se.ipf_map(cleaned, "z")
    assert rgb.shape == (3, 3, 3) and rgb.dtype == np.uint8
    se.save_map(cleaned, tmp_path / "c.ang")
    back = se.load_map(tmp_path / "c.ang")
    assert np.all(disorientation_deg(back.rotations, cleaned.rotations) < 0.01)
    se.pole_figure(cleaned, tmp_path / "pf.png")
    assert (tmp_path / "pf.png").read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize("case, argument", [
    ("float64", "patterns: dtype float64"),
    ("non-contiguous", "patterns: the array is not C-contiguous"),
    ("nan", "patterns: a non-finite value (NaN or infinity) in pattern 4"),
    ("detector", "detector: its shape (80, 80) does not match"),
    ("phase", "phases:"),
    ("key", "unknown parameter 'bandz'"),
    ("map_shape", "map_shape: (4, 4) does not hold the 9 patterns"),
])
def test_bad_input_raises_value_error_naming_the_argument(ni, case, argument):
    import kikuchipy as kp
    p = ni["patterns"].astype(np.float32)
    det, phases, kw, shape = {"pc": list(ni["pc"])}, ["Ni"], {}, None
    if case == "float64":
        p = p.astype(np.float64)
    elif case == "non-contiguous":
        p = p[:, :, ::2, ::2]
    elif case == "nan":
        p[1, 1, 5, 5] = np.nan
    elif case == "detector":
        det = kp.detectors.EBSDDetector(shape=(80, 80))
    elif case == "phase":
        phases = ["Unobtainium"]
    elif case == "key":
        kw = {"bandz": 9}
    elif case == "map_shape":
        shape = (4, 4)
    with pytest.raises(ValueError) as e:
        se.hough_index(p, det, phases, map_shape=shape, progress=False, **kw)
    assert argument in str(e.value)


def test_progress_bar_and_ctrl_c_stop_the_swift_work(dev60, capsys):
    from swiftebsd import _native
    many = np.ascontiguousarray(np.tile(dev60["patterns"], (20, 1, 1)))  # 10 000 patterns: five 32 MB chunks
    se.hough_index(many[:3000], {"pc": [0.5, 0.5, 0.6]}, ["Na"])
    assert "hough" in capsys.readouterr().err  # the tqdm bar
    t0 = time.perf_counter()
    _native.interrupt_main_soon(0.3)
    with pytest.raises(KeyboardInterrupt, match="stopped by the user"):
        se.hough_index(many, {"pc": [0.5, 0.5, 0.6]}, ["Na"], progress=False)
    stopped = time.perf_counter() - t0
    full = time.perf_counter()
    se.hough_index(many, {"pc": [0.5, 0.5, 0.6]}, ["Na"], progress=False)  # the library is usable afterwards
    full = time.perf_counter() - full
    print(f"Ctrl-C after 0.3 s: stopped at {stopped:.2f} s; the whole call takes {full:.2f} s")
    assert stopped < 0.75 * full + 0.3


def test_run_pipeline_returns_the_final_map(in_tmp):
    xmap = se.run_pipeline(ROOT / "SampleMaps" / "reference-protocol.yaml", output=in_tmp / "out", fresh=True, progress=False)
    assert xmap.shape == (24, 100)
    final = se.load_map(in_tmp / "out" / "final.ang")
    assert np.all(disorientation_deg(final[final.is_indexed].rotations, xmap[xmap.is_indexed].rotations) < 0.01)


def test_refinement_with_pattern_centres_finds_the_true_ones(dev60):
    """Starting 0.01 off the true PC in each coordinate, with the master that made the patterns (kikuchipy's) and their
    point spread: each pattern's refined PC (columns pc_x, pc_y, pc_z), and with map_pc one PC for the map first."""
    patterns = dev60["patterns"][:40]
    master = str(dev60["folder"].parent / "kikuchipy-kinematical-master-patterns" / "na_20kV_lambert_north_south.tif")
    start = {"pc": [0.51, 0.49, 0.61]}
    matched = se.dictionary_index(patterns, master, start, "Na", resolution=4, progress=False)
    for keys, tolerance in (({}, 0.004), ({"map_pc": 20}, 0.002)):
        refined = se.refine(patterns, matched, master, start, refine_pc=True, psf=0.8, progress=False, **keys)
        pcs = np.c_[refined.prop["pc_x"], refined.prop["pc_y"], refined.prop["pc_z"]]
        error = np.abs(np.median(pcs, axis=0) - np.array(dev60["pc"]))
        print(f"\n{keys}: median refined PC {np.median(pcs, axis=0).round(4)}, off the truth by {error.round(4)}")
        assert np.all(error < tolerance)
