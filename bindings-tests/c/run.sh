#!/usr/bin/env bash
# C tests of libaoscomm: normal build (shared library), then AddressSanitizer + UBSan (Rust
# static library built with -Zsanitizer=address (stable + RUSTC_BOOTSTRAP=1)), then valgrind on the normal build.
# Exits non-zero on any failure; the last line is "c tests: N passed, M failed".
# Env: AOSCOMM_C_SKIP_ASAN=1 / AOSCOMM_C_SKIP_VALGRIND=1 skip a stage (for quick local runs).
# Needs: gcc, pkg-config + libcrypto (OpenSSL, for the test signer; installed with apt when
# missing), RUSTC_BOOTSTRAP=1 on stable for -Zsanitizer (ASAN), valgrind.
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
ASAN_TARGET="$ROOT/target/asan"
OUT="$TARGET/c-tests"
mkdir -p "$OUT"
CFLAGS=(-std=c11 -Wall -Wextra -Werror -g -O1 -I"$ROOT/include" -I"$HERE")
passed=0; failed=0

if ! pkg-config --exists libcrypto 2>/dev/null; then
  echo "libcrypto (OpenSSL) missing: installing libssl-dev" >&2
  (apt-get update -qq && apt-get install -y -qq libssl-dev pkg-config) >&2 || true
fi
CRYPTO_CFLAGS=$(pkg-config --cflags libcrypto)
CRYPTO_LIBS=$(pkg-config --libs libcrypto)

stage() { # name, command...
  local name=$1; shift
  echo "== $name"
  local t0=$SECONDS
  local log="$OUT/$name.log"
  "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  local line; line=$(grep -E '^c tests: [0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
  local p=0 f=1
  if [[ -n "$line" ]]; then
    p=$(sed -E 's/c tests: ([0-9]+) passed, ([0-9]+) failed/\1/' <<<"$line")
    f=$(sed -E 's/c tests: ([0-9]+) passed, ([0-9]+) failed/\2/' <<<"$line")
  fi
  if [[ $rc -ne 0 && $f -eq 0 ]]; then f=1; fi
  echo "== $name: rc=$rc, $p passed, $f failed, $((SECONDS - t0)) s"
  passed=$((passed + p)); failed=$((failed + f))
}

# ---- normal -------------------------------------------------------------------------------
(cd "$ROOT" && cargo build -p aoscomm-ffi --features mock-cloud) || { echo "c tests: 0 passed, 1 failed"; exit 1; }
LIB="$TARGET/debug"
readelf -d "$LIB/libaoscomm.so" | grep -q 'SONAME.*libaoscomm.so.0' || { echo "SONAME is not libaoscomm.so.0" >&2; failed=$((failed + 1)); }
ln -sf libaoscomm.so "$LIB/libaoscomm.so.0"
gcc "${CFLAGS[@]}" $CRYPTO_CFLAGS "$HERE/test_aoscomm.c" -o "$OUT/test_aoscomm" \
  -L"$LIB" -laoscomm -Wl,-rpath,"$LIB" $CRYPTO_LIBS -lpthread \
  || { echo "c tests: 0 passed, 1 failed"; exit 1; }
stage normal "$OUT/test_aoscomm"

# ---- ASAN + UBSan ---------------------------------------------------------------------------
if [[ "${AOSCOMM_C_SKIP_ASAN:-0}" != 1 ]]; then
  if (cd "$ROOT" && RUSTC_BOOTSTRAP=1 RUSTFLAGS="-Zsanitizer=address" CARGO_TARGET_DIR="$ASAN_TARGET" \
        cargo build -p aoscomm-ffi --features mock-cloud --target x86_64-unknown-linux-gnu); then
    ALIB="$ASAN_TARGET/x86_64-unknown-linux-gnu/debug/libaoscomm.a"
    if [[ $(nm "$ALIB" 2>/dev/null | grep -c __asan) -gt 0 ]]; then
      echo "ASAN instrumentation present in $ALIB"
      if gcc "${CFLAGS[@]}" -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined \
           $CRYPTO_CFLAGS "$HERE/test_aoscomm.c" -o "$OUT/test_aoscomm_asan" \
           "$ALIB" $CRYPTO_LIBS -lpthread -ldl -lm; then
        # LeakSanitizer on too (valgrind checks definite/indirect leaks again below).
        stage asan env ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1 \
          UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 "$OUT/test_aoscomm_asan"
      else
        echo "ASAN link failed"; failed=$((failed + 1))
      fi
    else
      echo "no __asan symbols in $ALIB: not instrumented"; failed=$((failed + 1))
    fi
  else
    echo "ASAN build of the Rust library failed"; failed=$((failed + 1))
  fi
fi

# ---- valgrind -------------------------------------------------------------------------------
if [[ "${AOSCOMM_C_SKIP_VALGRIND:-0}" != 1 ]]; then
  if command -v valgrind >/dev/null; then
    stage valgrind valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect \
      --show-leak-kinds=definite,indirect --fair-sched=yes --suppressions="$HERE/valgrind.supp" "$OUT/test_aoscomm"
  else
    echo "valgrind missing"; failed=$((failed + 1))
  fi
fi

echo "c tests: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
