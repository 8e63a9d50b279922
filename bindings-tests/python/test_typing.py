"""The shipped typing: `mypy --strict` accepts a typed example and flags typed mistakes;
`stubtest` finds the native module's stub consistent with the module."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent / "typing_examples"


def mypy(*args):
    # Run from a neutral directory so the installed package (and its stubs) is what mypy sees.
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental", *args],
        capture_output=True, text=True, cwd=HERE, timeout=180,
    )


def test_example_passes_mypy_strict():
    r = mypy("--strict", "example.py")
    assert r.returncode == 0, r.stdout + r.stderr


def test_mistakes_are_reported():
    r = mypy("--strict", "wrong.py")
    assert r.returncode == 1
    flagged = {int(line.split(":")[1]) for line in r.stdout.splitlines() if ": error:" in line}
    expected = {i + 1 for i, l in enumerate((HERE / "wrong.py").read_text().splitlines())
                if "# E:" in l}
    assert expected and expected <= flagged, r.stdout


def test_stubtest_native_module():
    r = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "aoscomm._aoscomm"],
        capture_output=True, text=True, cwd=HERE, timeout=180,
    )
    assert r.returncode == 0, r.stdout + r.stderr


def test_example_runs():
    r = subprocess.run([sys.executable, "example.py"], capture_output=True, text=True,
                       cwd=HERE, timeout=60)
    assert r.returncode == 0, r.stderr
    assert "acked" in r.stdout
