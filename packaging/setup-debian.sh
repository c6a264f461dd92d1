#!/usr/bin/env bash
# Sets up a Debian 12 machine and builds TINT Workbench.
#   packaging/setup-debian.sh run    install what is missing, build, open the workbench on the demo project
#   packaging/setup-debian.sh test   install what is missing, build, run the whole test suite
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-}
if [[ "$mode" != run && "$mode" != test ]]; then
    echo "usage: $0 run|test" >&2
    exit 2
fi

packages=(
    build-essential cmake ninja-build ccache pkg-config
    qt6-base-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools qt6-qpa-plugins qt6-translations-l10n
    libqcustomplot-dev libqcustomplot2.1-qt6
    libtorch-dev libopenblas0-openmp
    libopencv-dev libspdlog-dev nlohmann-json3-dev libicu-dev zlib1g-dev
    libonnx-dev libprotobuf-dev protobuf-compiler
    xvfb xauth clang-14 libclang-rt-14-dev
)
sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo=sudo; fi
$sudo apt-get update
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y "${packages[@]}"

build=${TINT_BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build "$build"

if [[ "$mode" == run ]]; then
    exec "$build/app/tintbench" --demo
fi
ctest --test-dir "$build" --output-on-failure -j2
