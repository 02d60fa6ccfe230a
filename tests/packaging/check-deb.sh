#!/usr/bin/env bash
# Builds the .deb from the current build tree into a scratch folder and checks what it installs
# and what it depends on. Usage: check-deb.sh BUILD_DIR SCRATCH_DIR
set -euo pipefail
build=$1 scratch=$2
rm -rf "$scratch" && mkdir -p "$scratch"
(cd "$build" && cpack -G DEB -B "$scratch" >/dev/null)
deb=$(ls "$scratch"/kidneyscope_*_*.deb)
files=$(dpkg-deb -c "$deb" | awk '{print $6}')
for f in ./usr/bin/kidneyscope ./usr/bin/kidneyscope-cli \
         ./usr/share/applications/org.kidneyscope.KidneyScope.desktop \
         ./usr/share/metainfo/org.kidneyscope.KidneyScope.metainfo.xml \
         ./usr/share/icons/hicolor/scalable/apps/org.kidneyscope.KidneyScope.svg \
         ./usr/share/kidneyscope/presets/kidney.json; do
    grep -qx "$f" <<<"$files" || { echo "missing from the package: $f"; exit 1; }
done
depends=$(dpkg-deb -f "$deb" Depends)
for d in libopenblas0-openmp qt6-qpa-plugins libtorch libdcmtk libqt6widgets6 libxgboost libopencv-core; do
    grep -q "$d" <<<"$depends" || { echo "the package does not depend on $d: $depends"; exit 1; }
done
echo "package ok: $(basename "$deb")"
