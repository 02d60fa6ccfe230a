#!/usr/bin/env bash
# Installs the Debian (bookworm) packages KidneyScope needs to build, test and run, when any
# is missing. Idempotent and quick when everything is there. Uses sudo when not root.
set -euo pipefail

packages=(
    build-essential cmake ninja-build ccache pkg-config
    qt6-base-dev qt6-base-dev-tools qt6-charts-dev libqt6opengl6-dev libxkbcommon-dev qt6-qpa-plugins libgl-dev
    libopencv-dev libdcmtk-dev libtorch-dev libxgboost-dev
    libopenblas0-openmp libsqlite3-dev sqlite3 nlohmann-json3-dev libssl-dev
    xvfb xauth appstream desktop-file-utils dpkg-dev file
    clang libclang-rt-14-dev   # make fuzz: libFuzzer and the sanitizers' runtimes (-fsanitize=fuzzer)
)

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing missing packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "Need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
