#!/usr/bin/env bash
# Builds libaoscomm with the mock cloud, installs it into a temporary prefix, builds the C++
# tests against the INSTALLED package (find_package(aoscomm)), runs them with ctest, then proves
# the pkg-config file by compiling a program with `g++ $(pkg-config --cflags --libs aoscomm)`.
#   bindings-tests/cpp/run.sh [--keep] [--no-build] [--sanitize] [--repeat=N]
# --no-build: install the existing target/release build; --sanitize: ASAN+UBSAN on the tests;
# --repeat=N: run every test up to N times, stopping at the first failure.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
KEEP=0; INSTALL_ARGS=(); CMAKE_ARGS=(); CTEST_ARGS=()
for a in "$@"; do
  case $a in
    --keep) KEEP=1 ;;
    --no-build) INSTALL_ARGS+=(--no-build) ;;
    --sanitize) CMAKE_ARGS+=(-DAOSCOMM_SANITIZE=ON) ;;
    --repeat=*) CTEST_ARGS+=(--repeat "until-fail:${a#--repeat=}") ;;
    *) echo "usage: $0 [--keep] [--no-build] [--sanitize] [--repeat=N]" >&2; exit 2 ;;
  esac
done
WORK=$(mktemp -d -t aoscomm-cpp.XXXXXX)
if [[ $KEEP == 0 ]]; then trap 'rm -rf "$WORK"' EXIT; else echo "work dir: $WORK" >&2; fi
PREFIX=$WORK/prefix
start=$(date +%s)

echo "== install (mock-cloud) into $PREFIX" >&2
"$ROOT/scripts/install-c.sh" "$PREFIX" --features mock-cloud "${INSTALL_ARGS[@]}"

echo "== configure + build" >&2
cmake -S "$HERE" -B "$WORK/build" -DCMAKE_PREFIX_PATH="$PREFIX" -DCMAKE_BUILD_TYPE=Debug "${CMAKE_ARGS[@]}" >/dev/null
cmake --build "$WORK/build" -j2

echo "== ctest" >&2
export LD_LIBRARY_PATH="$PREFIX/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
ctest --test-dir "$WORK/build" --output-on-failure --timeout 120 "${CTEST_ARGS[@]}"

echo "== pkg-config" >&2
export PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig"
pkg-config --exists --print-errors aoscomm
echo "pkg-config: $(pkg-config --modversion aoscomm): $(pkg-config --cflags --libs aoscomm)" >&2
# shellcheck disable=SC2046
g++ -std=c++17 -Wall -Wextra -Werror "$HERE/smoke.cpp" -o "$WORK/pc_smoke" $(pkg-config --cflags --libs aoscomm)
"$WORK/pc_smoke"
# shellcheck disable=SC2046
gcc -std=c11 -Wall -Wextra -Werror -x c - -o "$WORK/pc_smoke_c" $(pkg-config --cflags --libs aoscomm) <<'C'
#include <aoscomm.h>
#include <stdio.h>
int main(void) { printf("C via pkg-config: aoscomm %s\n", aoscomm_version()); return 0; }
C
"$WORK/pc_smoke_c"

echo "== pure C CMake consumer (no CXX enabled) of aoscomm::aoscomm and aoscomm::aoscomm_static" >&2
mkdir -p "$WORK/cproj"
cat > "$WORK/cproj/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.16)
project(cconsumer LANGUAGES C)
find_package(aoscomm 0.1 REQUIRED)
add_executable(c_shared main.c)
target_link_libraries(c_shared PRIVATE aoscomm::aoscomm)
add_executable(c_static main.c)
target_link_libraries(c_static PRIVATE aoscomm::aoscomm_static)
CM
cat > "$WORK/cproj/main.c" <<'C'
#include <aoscomm.h>
#include <stdio.h>
int main(void) {
  aoscomm_config *cfg = aoscomm_config_new();
  aoscomm_result r = aoscomm_config_set_system_id(cfg, "unit", 4);
  aoscomm_config_free(cfg);
  printf("C via CMake: aoscomm %s, set_system_id -> %s\n", aoscomm_version(), aoscomm_result_name(r));
  return r == AOSCOMM_RESULT_OK ? 0 : 1;
}
C
cmake -S "$WORK/cproj" -B "$WORK/cproj/build" -DCMAKE_PREFIX_PATH="$PREFIX" >/dev/null
cmake --build "$WORK/cproj/build" -j2 >/dev/null
"$WORK/cproj/build/c_shared"
"$WORK/cproj/build/c_static"

echo "== C++ bindings tests passed in $(( $(date +%s) - start ))s" >&2
