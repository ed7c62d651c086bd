"""The wheel (SWIFTEBSD_WHEEL, made by `make test` with `python -m build`) in a fresh venv on this machine with no Swift:
`swift` is taken off PATH and LD_LIBRARY_PATH cleared; the README block runs, and the Swift runtime the process maps is
the wheel's own copy, not the toolchain's."""
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT
from readme_block import readme_block

WHEEL = os.environ.get("SWIFTEBSD_WHEEL")
PEER_PINS = os.environ.get("SWIFTEBSD_WHEEL_EXTRAS", "kikuchipy==0.13.1 orix==0.15.0 numba==0.68.1")


@pytest.fixture(scope="module")
def wheel():
    if not WHEEL:
        pytest.skip("SWIFTEBSD_WHEEL is not set (make test builds the wheel and sets it)")
    return Path(WHEEL)


def test_the_wheel_bundles_the_swift_runtime(wheel):
    names = {Path(n).name for n in zipfile.ZipFile(wheel).namelist()}
    for lib in ("libSwiftEBSD.so", "libswiftCore.so", "libFoundation.so", "libFoundationEssentials.so", "libdispatch.so",
                "lib_FoundationICU.so"):
        assert lib in names, f"{wheel.name} lacks {lib}"
    assert "-py3-none-linux_" in wheel.name


def test_the_wheel_runs_the_readme_in_a_fresh_venv_without_swift(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    install = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                              str(wheel), *PEER_PINS.split()], capture_output=True, text=True)
    if install.returncode != 0 and ("Could not fetch" in install.stderr or "NewConnectionError" in install.stderr):
        pytest.skip(f"PyPI cannot be reached for the wheel's dependencies: {install.stderr.strip().splitlines()[-1]}")
    assert install.returncode == 0, install.stderr[-3000:]
    work = tmp_path / "work"
    work.mkdir()
    for name in ("SampleMaps", "MasterPatterns"):
        os.symlink(ROOT / name, work / name)
    swift = shutil.which("swift")
    hidden = [d for d in os.environ["PATH"].split(os.pathsep) if not (Path(d) / "swift").exists()]
    env = {"PATH": os.pathsep.join([str(venv / "bin")] + hidden), "HOME": str(tmp_path), "NUMBA_CACHE_DIR": str(tmp_path / "numba"),
           "MPLCONFIGDIR": str(tmp_path / "mpl"), "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE", "")}
    probe = ("import shutil, swiftebsd\nassert shutil.which('swift') is None, 'swift is still on PATH'\n" + readme_block(ROOT / "README.md")
             + "\nmaps = [l.split()[-1] for l in open('/proc/self/maps') if 'libswiftCore.so' in l or 'libSwiftEBSD.so' in l]\n"
             + "print('MAPPED', sorted(set(maps)))\n")
    run = subprocess.run([str(venv / "bin" / "python"), "-c", probe], cwd=work, env=env, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-3000:]
    mapped = run.stdout.split("MAPPED")[-1]
    print(f"\nswift on this machine: {swift}; with it hidden the wheel's venv mapped {mapped.strip()}")
    assert str(venv) in mapped and "libswiftCore.so" in mapped
    assert "/opt/swift" not in mapped and (swift is None or str(Path(swift).resolve().parents[1]) not in mapped)


def test_pip_builds_the_package_from_the_checkout(tmp_path):
    """`pip install ./python` on a machine with Swift: pip builds the wheel through setup.py, which runs `swift build`
    (here the debug configuration `make test` has already built, so it only checks it is up to date)."""
    if shutil.which("swift") is None:
        pytest.skip("swift is not on PATH: building from the checkout needs the toolchain")
    env = dict(os.environ, SWIFTEBSD_CONFIGURATION="debug")
    env.pop("SWIFTEBSD_LIB_DIR", None)
    run = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--disable-pip-version-check",
                          "-w", str(tmp_path), str(ROOT / "python")], env=env, capture_output=True, text=True, timeout=1800)
    assert run.returncode == 0, (run.stdout + run.stderr)[-3000:]
    built = list(tmp_path.glob("swiftebsd-*.whl"))
    assert len(built) == 1
    names = {Path(n).name for n in zipfile.ZipFile(built[0]).namelist()}
    assert {"libSwiftEBSD.so", "libswiftCore.so"} <= names
