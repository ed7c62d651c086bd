"""Builds the wheel of swiftebsd: the Python package plus libSwiftEBSD.so and the Swift runtime libraries it links.

The Swift library is built from the repository this folder is in (`swift build -c $SWIFTEBSD_CONFIGURATION --product
SwiftEBSD`, default release), or taken from $SWIFTEBSD_LIB_DIR when that names a folder holding libSwiftEBSD.so. Every
shared library it needs from the Swift toolchain (the runtime: libswiftCore, Foundation, Dispatch, ICU data ...) is
copied beside it, so the wheel runs on a machine without Swift. The Debian libraries it links (OpenBLAS, FFTW, HDF5,
libpng/libtiff/libjpeg, cairo) are the system's, as for the `ebsd` command.
"""
import os
import shutil
import subprocess
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

try:
    from wheel.bdist_wheel import bdist_wheel
except ImportError:  # setuptools >= 70 ships its own
    from setuptools.command.bdist_wheel import bdist_wheel

HERE = Path(__file__).resolve().parent
LIBRARY = "libSwiftEBSD.so"


def swift_library_dir():
    given = os.environ.get("SWIFTEBSD_LIB_DIR")
    if given:
        if not (Path(given) / LIBRARY).is_file():
            raise SystemExit(f"SWIFTEBSD_LIB_DIR={given}: no {LIBRARY} there")
        return Path(given)
    root = Path(os.environ.get("SWIFTEBSD_SOURCE", HERE.parent))
    if not (root / "Package.swift").is_file():
        raise SystemExit(f"{root}: no Package.swift (set SWIFTEBSD_SOURCE to the SwiftEBSD checkout, or SWIFTEBSD_LIB_DIR)")
    if shutil.which("swift") is None:
        raise SystemExit("building swiftebsd needs the Swift toolchain (swift on PATH) or SWIFTEBSD_LIB_DIR")
    config = os.environ.get("SWIFTEBSD_CONFIGURATION", "release")
    subprocess.check_call(["swift", "build", "-c", config, "--product", "SwiftEBSD"], cwd=root)
    out = subprocess.check_output(["swift", "build", "-c", config, "--show-bin-path"], cwd=root, text=True)
    return Path(out.strip())


def swift_runtime(library):
    """The libraries `library` loads from the Swift toolchain (paths from ldd), which a machine without Swift lacks."""
    found = []
    for line in subprocess.check_output(["ldd", str(library)], text=True).splitlines():
        parts = line.split("=>")
        if len(parts) != 2:
            continue
        path = parts[1].split("(")[0].strip()
        if "/lib/swift/linux/" in path:
            found.append(Path(path))
    if not any(p.name == "libswiftCore.so" for p in found):
        raise SystemExit(f"{library}: ldd found no libswiftCore.so; cannot bundle the Swift runtime")
    return found


class BuildWithSwift(build_py):
    def run(self):
        super().run()
        source = swift_library_dir() / LIBRARY
        target = Path(self.build_lib) / "swiftebsd" / "_lib"
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target / LIBRARY)
        runtime = swift_runtime(source)
        for lib in runtime:
            shutil.copy2(lib, target / lib.name)
        (target / "README.txt").write_text(
            f"{LIBRARY} (the SwiftEBSD C ABI, include/swiftebsd.h) and the Swift runtime it links, copied from "
            f"{runtime[0].parent}: " + ", ".join(sorted(p.name for p in runtime)) + "\n")


class PlatformWheel(bdist_wheel):
    """The wheel holds native code for this platform (any Python 3: the binding is ctypes)."""

    def finalize_options(self):
        super().finalize_options()
        self.root_is_pure = False

    def get_tag(self):
        _, _, platform = super().get_tag()
        return "py3", "none", platform


setup(cmdclass={"build_py": BuildWithSwift, "bdist_wheel": PlatformWheel})
