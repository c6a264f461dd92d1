#!/usr/bin/env bash
# Renders every pane of the workbench on the demo project under Xvfb into docs/screenshots/.
#   tests/render-screenshots.sh [build-dir] [LANG]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
lang=${2:-en_US.UTF-8}
out=docs/screenshots
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"
# A private home, so that the demo is made fresh and no user settings leak into the pictures.
env HOME="$tmp" XDG_CONFIG_HOME="$tmp/config" XDG_DATA_HOME="$tmp/data" LANG="$lang" LC_ALL="$lang" \
    QT_QPA_PLATFORM=xcb \
    xvfb-run -a -s "-screen 0 1400x1000x24" "$build/app/tintbench" --demo --screenshots "$tmp/shots" --screenshot-flow "$PWD/tests/data/sd/tiny-sd15"
suffix=""
[[ "$lang" == sv* ]] && suffix="-sv"
for f in "$tmp"/shots/*.png; do cp "$f" "$out/$(basename "${f%.png}")$suffix.png"; done
ls -l "$out"
