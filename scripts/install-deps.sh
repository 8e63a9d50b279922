#!/usr/bin/env bash
# Installs what the tests need when it is missing (idempotent, quick when everything is there):
# the Rust components clippy and rustfmt, cargo-fuzz 0.13.2, and from Debian's packages cmake,
# g++, pkg-config, GoogleTest, the OpenSSL headers (the C signer test), valgrind, and (when
# missing) Maven, a JDK and Python's venv module. Python and Maven packages come from PyPI and
# Maven Central during the test run.
set -euo pipefail
export PATH="$HOME/.cargo/bin:$PATH"
command -v cargo >/dev/null || { echo "cargo not found: install Rust with rustup first" >&2; exit 1; }
if command -v rustup >/dev/null 2>&1; then
    rustup component add clippy rustfmt >/dev/null 2>&1 || true
fi
if ! cargo fuzz --version 2>/dev/null | grep -q '0.13.2'; then
    cargo install cargo-fuzz --version 0.13.2 --locked
fi
missing=()
for pkg in cmake g++ pkg-config libgtest-dev libssl-dev valgrind binutils; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
# The Kotlin suite (uniffi) needs a JDK >= 17 and Maven; Python needs venv.
command -v mvn >/dev/null 2>&1 || missing+=(maven)
command -v javac >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || missing+=(python3-venv)
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi
