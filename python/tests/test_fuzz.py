"""The C ABI fuzzed (fuzz_cabi.py) in a child process per seed: random shapes, element types, options, values, freed
handles and garbage files, through buffers of the described size. The child must exit 0 (no crash, no abort) and
every call must return a status."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

SECONDS = float(os.environ.get("SWIFTEBSD_FUZZ_SECONDS", "15"))


@pytest.mark.parametrize("seed", [1, 2])
def test_the_c_abi_survives_random_calls(seed):
    env = dict(os.environ, FUZZ_MASTER=str(ROOT / "MasterPatterns" / "Na-20kV-kinematical.tif"))
    run = subprocess.run([sys.executable, str(Path(__file__).with_name("fuzz_cabi.py")), str(SECONDS), str(seed)], env=env,
                         capture_output=True, text=True, timeout=SECONDS + 120)
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    print(f"\nfuzz seed {seed}: {result}")
    assert result["calls"] > 1000
    assert set(result["statuses"]) <= {"-1", "0", "1", "2", "3"}
    assert result["statuses"].get("0", 0) > 0  # some random calls are valid and do real work
