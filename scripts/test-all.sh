#!/usr/bin/env bash
# Runs every test of the project: formatting, lints, the Rust test suites (unit, conformance
# against ../shared/protocol/vectors when present, our own test data, proptest, session,
# transport, client, no-loss, CLI), the C tests (normal, ASAN+UBSan, valgrind), the C++ tests, the
# Python module's tests (built with pip from py/ into a fresh venv), the uniffi bindings' tests
# (Kotlin on the JVM with Maven, the generated Python), and a fuzzing smoke run of the decoder. Exits non-zero on the first failure.
#
# Needs a Rust toolchain; scripts/install-deps.sh (run first) adds what else is missing.
# AOSCOMM_FUZZ_SECONDS sets the fuzz run's length (default 60).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n=== %s\n' "$*"; }

step "dependencies"
bash scripts/install-deps.sh

step "rustfmt"
cargo fmt --all -- --check

step "clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo test"
mkdir -p target
# --nocapture: the conformance and no-loss tests print their counts
cargo test --workspace --locked -- --nocapture 2>&1 | tee target/cargo-test.log
passed=$(grep -oE 'test result: [a-zA-Z]+\. [0-9]+ passed' target/cargo-test.log | awk '{s+=$4} END {print s+0}')
failed=$(grep -oE '; [0-9]+ failed' target/cargo-test.log | awk '{s+=$2} END {print s+0}')

step "C tests (libaoscomm: normal, ASAN+UBSan, valgrind)"
bash bindings-tests/c/run.sh 2>&1 | tee target/c-tests.log
c_line=$(grep -E '^c tests: [0-9]+ passed, [0-9]+ failed$' target/c-tests.log | tail -n 1)
c_passed=$(echo "$c_line" | awk '{print $3}')
c_failed=$(echo "$c_line" | awk '{print $5}')
[ -n "$c_line" ] && [ "$c_failed" = 0 ] || { echo "C tests failed" >&2; exit 1; }

step "C++ tests (aoscomm.hpp via find_package, GoogleTest; pkg-config consumers)"
bash bindings-tests/cpp/run.sh 2>&1 | tee target/cpp-tests.log
cpp_line=$(grep -E 'tests passed, [0-9]+ tests failed out of [0-9]+' target/cpp-tests.log | tail -n 1)
cpp_total=$(echo "$cpp_line" | grep -oE 'out of [0-9]+' | awk '{print $3}')
cpp_failed=$(echo "$cpp_line" | grep -oE '[0-9]+ tests failed' | awk '{print $1}')
[ -n "$cpp_line" ] && [ "$cpp_failed" = 0 ] || { echo "C++ tests failed" >&2; exit 1; }

step "Python tests (pip install ./py into a fresh venv; pytest; mypy/stubtest; bench smoke)"
bash bindings-tests/python/run.sh 2>&1 | tee target/py-tests.log
py_line=$(grep -E '^python tests: [0-9]+ passed, [0-9]+ failed$' target/py-tests.log | tail -n 1)
py_passed=$(echo "$py_line" | awk '{print $3}')
py_failed=$(echo "$py_line" | awk '{print $5}')
[ -n "$py_line" ] && [ "$py_failed" = 0 ] || { echo "Python tests failed" >&2; exit 1; }

step "uniffi tests (Kotlin on the JVM, uniffi-generated Python; Swift generated only)"
bash bindings-tests/uniffi.sh 2>&1 | tee target/uniffi-tests.log
u_line=$(grep -E '^uniffi tests: [0-9]+ passed, [0-9]+ failed$' target/uniffi-tests.log | tail -n 1)
u_passed=$(echo "$u_line" | awk '{print $3}')
u_failed=$(echo "$u_line" | awk '{print $5}')
[ -n "$u_line" ] && [ "$u_failed" = 0 ] || { echo "uniffi tests failed" >&2; exit 1; }

step "fuzz smoke run: decoder, ${AOSCOMM_FUZZ_SECONDS:-60} s"
mkdir -p fuzz/corpus/decode target
rc=0
(cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run decode corpus/decode \
    ../aoscomm/tests/data/canonical ../aoscomm/tests/data/lenient -- \
    -max_total_time="${AOSCOMM_FUZZ_SECONDS:-60}" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1) \
    > target/fuzz-decode.log 2>&1 || rc=$?
grep -E '^(Done|stat::number_of_executed_units)' target/fuzz-decode.log || true
if [ "$rc" -ne 0 ]; then
    tail -n 60 target/fuzz-decode.log >&2
    echo "fuzz: the decoder target failed (exit $rc); see fuzz/artifacts/decode" >&2
    exit 1
fi

step "all tests passed"
echo "rust ${passed}, C ${c_passed}, C++ ${cpp_total}, Python ${py_passed}, uniffi ${u_passed}"
echo "tests: $((passed + c_passed + cpp_total + py_passed + u_passed)) passed, $((failed + c_failed + cpp_failed + py_failed + u_failed)) failed"
