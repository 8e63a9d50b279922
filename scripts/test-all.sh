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

# Runs a suite script that ends with "<name> tests: N passed, M failed"; fails unless M is 0,
# and prints N.
suite() {
    local name=$1 script=$2 log=target/$3 line
    bash "$script" 2>&1 | tee "$log" >&2
    line=$(grep -E "^$name tests: [0-9]+ passed, [0-9]+ failed\$" "$log" | tail -n 1)
    [ -n "$line" ] && [ "$(echo "$line" | awk '{print $5}')" = 0 ] \
        || { echo "$name tests failed" >&2; exit 1; }
    echo "$line" | awk '{print $3}'
}

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
c_passed=$(suite c bindings-tests/c/run.sh c-tests.log)

step "C++ tests (aoscomm.hpp via find_package, GoogleTest; pkg-config consumers)"
bash bindings-tests/cpp/run.sh 2>&1 | tee target/cpp-tests.log
cpp_line=$(grep -E 'tests passed, [0-9]+ tests failed out of [0-9]+' target/cpp-tests.log | tail -n 1)
cpp_total=$(echo "$cpp_line" | grep -oE 'out of [0-9]+' | awk '{print $3}')
cpp_failed=$(echo "$cpp_line" | grep -oE '[0-9]+ tests failed' | awk '{print $1}')
[ -n "$cpp_line" ] && [ "$cpp_failed" = 0 ] || { echo "C++ tests failed" >&2; exit 1; }

step "Python tests (pip install ./py into a fresh venv; pytest; mypy/stubtest; bench smoke)"
py_passed=$(suite python bindings-tests/python/run.sh py-tests.log)

step "uniffi tests (Kotlin on the JVM, uniffi-generated Python; Swift generated only)"
u_passed=$(suite uniffi bindings-tests/uniffi.sh uniffi-tests.log)

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
echo "tests: $((passed + c_passed + cpp_total + py_passed + u_passed)) passed, $((failed + cpp_failed)) failed"
