#!/usr/bin/env bash
# uniffi bindings: builds libaoscomm_uniffi.so, generates the Kotlin, Python and Swift bindings
# with the pinned generator (crate ffi-uniffi, binary uniffi-bindgen) into target/uniffi/ (they
# are regenerated on every run, not committed), then runs the Kotlin suite on the JVM (Maven:
# kotlin-maven-plugin, JNA, JUnit 5) and the same scenarios with the generated Python module.
# Swift: only generated (no Swift toolchain here); the files are checked to exist.
# Prints "uniffi tests: N passed, M failed" last.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
GEN=$TARGET/uniffi
PY=${UNIFFI_PYTHON:-$TARGET/py-venv/bin/python}

echo "--- build libaoscomm_uniffi + generate bindings"
# The whole workspace, so features unify as in `cargo test --workspace` and nothing is rebuilt.
cargo build --locked --workspace
LIB=$TARGET/debug/libaoscomm_uniffi.so
rm -rf "$GEN"
for lang in kotlin python swift; do
    "$TARGET/debug/uniffi-bindgen" generate --no-format --library "$LIB" --language "$lang" --out-dir "$GEN/$lang"
done
cp "$LIB" "$GEN/python/"
ls "$GEN/swift/AosComm.swift" "$GEN/swift/AosCommFFI.h" "$GEN/swift/AosCommFFI.modulemap"
echo "swift bindings generated (not compiled: no Swift toolchain on this machine)"

passed=0
failed=0

echo "--- Kotlin (JVM)"
k_rc=0
(cd bindings-tests/kotlin && mvn -B -q --no-transfer-progress -Dstyle.color=never test -Duniffi.generated="$GEN/kotlin" -Duniffi.libdir="$TARGET/debug") || k_rc=$?
for f in bindings-tests/kotlin/target/surefire-reports/TEST-*.xml; do
    [ -f "$f" ] || continue
    t=$( (grep -oE 'tests="[0-9]+"' "$f" || true) | head -n 1 | grep -oE '[0-9]+' || true)
    bad=$( (grep -oE '(failures|errors)="[0-9]+"' "$f" || true) | head -n 2 | grep -oE '[0-9]+' | awk '{s+=$1} END {print s+0}')
    t=${t:-0}
    passed=$((passed + t - bad))
    failed=$((failed + bad))
done
[ "$k_rc" -eq 0 ] || [ "$failed" -gt 0 ] || failed=$((failed + 1))

echo "--- uniffi Python"
p_rc=0
(cd bindings-tests/uniffi-python && PYTHONPATH="$GEN/python" "$PY" -m pytest -q -p no:cacheprovider \
    -o timeout=60 | tee "$TARGET/uniffi-python.log") || p_rc=$?
p_passed=$( (grep -oE '[0-9]+ passed' "$TARGET/uniffi-python.log" || true) | tail -n 1 | awk '{print $1}')
p_failed=$( (grep -oE '[0-9]+ (failed|errors?)' "$TARGET/uniffi-python.log" || true) | awk '{s+=$1} END {print s+0}')
passed=$((passed + ${p_passed:-0}))
failed=$((failed + p_failed))
[ "$p_rc" -eq 0 ] || [ "$p_failed" -gt 0 ] || failed=$((failed + 1))

echo "uniffi tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
