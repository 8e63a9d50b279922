#!/usr/bin/env bash
# The Python module's tests, as a user gets it: `pip install ./py` into a fresh venv (maturin
# builds the abi3 wheel, release profile, in the shared target dir), then the pytest suite
# (codec, blocking and asyncio clients against the mock cloud, typing: mypy --strict and
# stubtest, aoscomm.analysis and the example notebook through nbclient; test_analysis.py again
# on the oldest pandas/pyarrow/matplotlib the [analysis] extra accepts), the same wheel on the other CPythons >= 3.9 present (abi3 smoke test), the
# benchmark in its quick smoke mode, and `maturin develop` into a second venv.
# Prints "python tests: N passed, M failed" last.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
PY=${PYTHON:-python3}
VENV=$TARGET/py-venv
DEV_VENV=$TARGET/py-venv-develop

echo "--- fresh venv: pip install ./py"
rm -rf "$VENV"
"$PY" -m venv "$VENV"
"$VENV/bin/pip" install -q --disable-pip-version-check "./py[analysis]" \
    -r bindings-tests/python/requirements.txt -r bindings-tests/python/bench/requirements.txt
"$VENV/bin/python" -c 'import aoscomm, sys; print("aoscomm", aoscomm.__version__, "from", aoscomm.__file__)'

echo "--- the same abi3 wheel on every other CPython >= 3.9 found"
abi_rc=0
abi_ok=0
"$VENV/bin/pip" wheel -q --disable-pip-version-check --no-deps -w "$TARGET/py-wheel" ./py
WHEEL=$(ls -t "$TARGET"/py-wheel/aoscomm-*-cp39-abi3-*.whl | head -n 1)
for v in 3.9 3.10 3.12 3.13; do
    # pyenv's installs first (its shims fail for versions that are not selected), then the system's.
    exe=$(ls "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$v".*/bin/python"$v" 2>/dev/null | sort -V | tail -n 1 || true)
    [ -n "$exe" ] || exe=$(ls /usr/bin/python"$v" /usr/local/bin/python"$v" 2>/dev/null | head -n 1 || true)
    [ -n "$exe" ] && "$exe" -c 'import venv' 2>/dev/null || { echo "python$v: not on this machine"; continue; }
    venv=$TARGET/py-venv-$v
    rm -rf "$venv"
    if "$exe" -m venv "$venv" && "$venv/bin/pip" install -q --disable-pip-version-check "$WHEEL" \
        && "$venv/bin/python" bindings-tests/python/abi3_smoke.py; then
        abi_ok=$((abi_ok + 1))
    else
        abi_rc=1
    fi
done

echo "--- pytest"
rc=0
(cd bindings-tests/python && "$VENV/bin/python" -m pytest -q -p no:randomly --junitxml="$TARGET/py-junit.xml") \
    | tee "$TARGET/py-pytest.log" || rc=$?

echo "--- aoscomm.analysis on the oldest pandas / pyarrow / matplotlib the extra accepts"
old_rc=0
OLD_VENV=$TARGET/py-venv-oldest
rm -rf "$OLD_VENV"
"$PY" -m venv "$OLD_VENV"
"$OLD_VENV/bin/pip" install -q --disable-pip-version-check "$WHEEL" -r bindings-tests/python/requirements-oldest.txt
(cd bindings-tests/python && "$OLD_VENV/bin/python" -m pytest -q -p no:randomly test_analysis.py) \
    | tee "$TARGET/py-pytest-oldest.log" || old_rc=$?

echo "--- benchmark smoke run (quick)"
bench_rc=0
"$VENV/bin/python" bindings-tests/python/bench/bench_throughput.py --quick || bench_rc=$?
"$VENV/bin/python" bindings-tests/python/bench/bench_read_log.py --quick || bench_rc=$?

echo "--- maturin develop into a second venv"
dev_rc=0
rm -rf "$DEV_VENV"
"$PY" -m venv "$DEV_VENV"
"$DEV_VENV/bin/pip" install -q --disable-pip-version-check "maturin>=1.9.4,<2"
(cd py && VIRTUAL_ENV="$DEV_VENV" PATH="$DEV_VENV/bin:$PATH" maturin develop -q) || dev_rc=$?
"$DEV_VENV/bin/python" -c 'import aoscomm; assert aoscomm.decode_data({"messageType": "ack"}) == {"messageType": "ack"}' \
    || dev_rc=1
# The develop build leaves the extension beside the sources (git-ignored): remove it.
rm -f py/python/aoscomm/_aoscomm*.so

passed=$( (grep -oE '[0-9]+ passed' "$TARGET/py-pytest.log" || true) | tail -n 1 | awk '{print $1}')
failed=$( (grep -oE '[0-9]+ (failed|errors?)' "$TARGET/py-pytest.log" || true) | awk '{s+=$1} END {print s+0}')
passed=${passed:-0}
old_passed=$( (grep -oE '[0-9]+ passed' "$TARGET/py-pytest-oldest.log" || true) | tail -n 1 | awk '{print $1}')
passed=$((passed + ${old_passed:-0}))
if [ "$old_rc" -ne 0 ] || grep -qE '[0-9]+ (failed|errors?|skipped)' "$TARGET/py-pytest-oldest.log"; then
    echo "aoscomm.analysis on the oldest supported versions: failed or skipped" >&2
    failed=$((failed + 1))
fi
[ "$bench_rc" -eq 0 ] || { echo "benchmark smoke run failed" >&2; failed=$((failed + 1)); }
[ "$dev_rc" -eq 0 ] || { echo "maturin develop failed" >&2; failed=$((failed + 1)); }
[ "$abi_rc" -eq 0 ] || { echo "abi3 smoke test failed" >&2; failed=$((failed + 1)); }
passed=$((passed + abi_ok))
[ "$rc" -eq 0 ] || [ "$failed" -gt 0 ] || failed=1
echo "python tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
