"""The README's "From Python" block, executed as written in a folder that has the repository's SampleMaps and
MasterPatterns (its paths are relative to the repository root), in this interpreter's environment."""
import os
import subprocess
import sys

from conftest import ROOT
from readme_block import readme_block


def test_the_readme_block_runs_and_its_map_is_right(tmp_path):
    block = readme_block(ROOT / "README.md")
    assert len(block.strip().splitlines()) <= 15
    for name in ("SampleMaps", "MasterPatterns"):
        os.symlink(ROOT / name, tmp_path / name)
    check = block + "\nprint('ipf', rgb.shape, 'indexed', round(float(xmap.is_indexed.mean()), 3))\n"
    run = subprocess.run([sys.executable, "-c", check], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    print(run.stdout)
    assert "ipf (24, 100, 3) indexed" in run.stdout
    indexed = float(run.stdout.split("indexed")[-1])
    assert indexed > 0.95
    png = (tmp_path / "ipf-y.png").read_bytes()
    assert png[:4] == b"\x89PNG" and len(png) > 10_000
