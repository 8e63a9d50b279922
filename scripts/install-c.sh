#!/usr/bin/env bash
# Builds libaoscomm (release) and installs it with its headers, CMake package and pkg-config file.
#   scripts/install-c.sh PREFIX [--features mock-cloud] [--no-build]
# Environment: CARGO_TARGET_DIR (default: <repo>/target), CMAKE_BUILD_DIR (default: a temp dir).
set -euo pipefail

usage() { echo "usage: $0 PREFIX [--features FEATURES] [--no-build]" >&2; exit 2; }
[[ $# -ge 1 ]] || usage
PREFIX=$1; shift
FEATURES=""
BUILD=1
while [[ $# -gt 0 ]]; do
  case $1 in
    --features) [[ $# -ge 2 ]] || usage; FEATURES=$2; shift 2 ;;
    --features=*) FEATURES=${1#--features=}; shift ;;
    --no-build) BUILD=0; shift ;;
    *) usage ;;
  esac
done

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
mkdir -p "$PREFIX"
PREFIX=$(cd "$PREFIX" && pwd)

if [[ $BUILD == 1 ]]; then
  args=(build --release -p aoscomm-ffi --manifest-path "$ROOT/Cargo.toml")
  [[ -n $FEATURES ]] && args+=(--features "$FEATURES")
  echo "+ cargo ${args[*]}" >&2
  cargo "${args[@]}"
fi

BUILD_DIR=${CMAKE_BUILD_DIR:-}
cleanup=""
if [[ -z $BUILD_DIR ]]; then
  BUILD_DIR=$(mktemp -d -t aoscomm-packaging.XXXXXX)
  cleanup=$BUILD_DIR
fi
trap '[[ -n $cleanup ]] && rm -rf "$cleanup"' EXIT

cmake -S "$ROOT/packaging" -B "$BUILD_DIR" -DAOSCOMM_LIB_DIR="$TARGET_DIR/release" >/dev/null
cmake --install "$BUILD_DIR" --prefix "$PREFIX"
echo "installed aoscomm into $PREFIX" >&2
