#!/usr/bin/env bash
# The C-side benchmark (release library with the mock cloud) and its Rust peer measured in the
# same run: the cost of one send call through the C ABI vs Client::send_json in Rust, and acked
# messages per second end to end. Not part of the tests.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
(cd "$ROOT" && cargo build --release -p aoscomm-ffi --features mock-cloud)
LIB="$TARGET/release"
ln -sf libaoscomm.so "$LIB/libaoscomm.so.0"
mkdir -p "$TARGET/c-bench"
gcc -std=c11 -O2 -Wall -Werror -DAOSCOMM_MOCK_CLOUD -I"$ROOT/include" "$HERE/bench_send.c" \
  -o "$TARGET/c-bench/bench_send" -L"$LIB" -laoscomm -Wl,-rpath,"$LIB" -lpthread
"$TARGET/c-bench/bench_send"
(cd "$ROOT" && cargo bench -p aoscomm --bench throughput -- send_call)
