#!/usr/bin/env bash
# libFuzzer run of the four harnesses (issue 11): builds tests/fuzz standalone with clang,
# ASan and UBSan in $FUZZ_BUILD (default build-fuzz/; only the core libraries it needs, no
# LibTorch, no Qt), then fuzzes each harness for $FUZZ_SECONDS (default 30) from the seed
# corpus (../shared and tests/fuzz/regressions); FUZZ_SECONDS=0 runs the corpus once. Limits per
# input: 10 s, 2 GB.
# Exits non-zero when any harness finds a crash, hang, leak or memory blow-up; the input is
# kept under $FUZZ_BUILD/artifacts/ and the command that replays it is printed.
# Usage: tests/fuzz/run-fuzzers.sh [HARNESS ...]   (dicom_loader dicomdir coco manifest)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${FUZZ_BUILD:-$root/build-fuzz}
seconds=${FUZZ_SECONDS:-30}
shared=$(cd "${KS_SHARED_DIR:-$root/../shared}" && pwd)
jobs=${JOBS:-$(nproc)}
harnesses=("$@")
[ ${#harnesses[@]} -eq 0 ] && harnesses=(dicom_loader dicomdir coco manifest)

command -v clang++ >/dev/null || { echo "run-fuzzers: clang++ is missing (packaging/install-deps.sh installs it)" >&2; exit 1; }
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
start=$(date +%s)
cmake -S "$root/tests/fuzz" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DKS_SHARED_DIR="$shared" \
    "${launcher[@]}" >/dev/null
targets=()
for h in "${harnesses[@]}"; do targets+=("fuzz_$h"); done
cmake --build "$build" -j "$jobs" --target "${targets[@]}"
echo "run-fuzzers: built in $(( $(date +%s) - start )) s"

# Seeds: folders only (libFuzzer runs a file argument once instead of fuzzing from it).
mkdir -p "$build/seeds/dicomdir" "$build/seeds/coco" "$build/seeds/manifest"
cp "$shared"/dicom/other/dicomdirtests/DICOMDIR* "$build/seeds/dicomdir/"
cp "$shared/dicom/other/dicomdirtests/TINY_ALPHA/DICOMDIR" "$build/seeds/dicomdir/TINY_ALPHA-DICOMDIR"
cp "$shared/realdata/hc18/train/annotations.json" "$build/seeds/coco/hc18-train.json"
cp "$shared/realdata/hc18/val/annotations.json" "$build/seeds/coco/hc18-val.json"
# The manifest harness trains its own tiny bundle and writes that bundle's manifest here.
export KS_FUZZ_SEED_DIR="$build/seeds/manifest"
export KS_SHARED_DIR="$shared"
export OMP_NUM_THREADS=1

failed=()
for h in "${harnesses[@]}"; do
    seeds=()
    case $h in
        # DCMTK is not exception-safe: when it throws while parsing (caught and reported by ks_dicom)
        # it leaks what it had built. That is bounded per file and not ours to fix, so leak
        # detection is off for the two DCMTK harnesses (on for COCO and manifest).
        dicom_loader) seeds=("$shared/dicom/us" "$shared/dicom/other" "$shared/dicom/malformed"); maxlen=1048576; leaks=0 ;;
        dicomdir) seeds=("$build/seeds/dicomdir"); maxlen=65536; leaks=0 ;;
        coco) seeds=("$build/seeds/coco"); maxlen=262144; leaks=1 ;;   # deep nesting needs room
        manifest) seeds=("$build/seeds/manifest"); maxlen=262144; leaks=1 ;;
        *) echo "run-fuzzers: unknown harness '$h'" >&2; exit 2 ;;
    esac
    [ -d "$root/tests/fuzz/regressions/$h" ] && seeds+=("$root/tests/fuzz/regressions/$h")
    rm -rf "$build/artifacts/$h"
    mkdir -p "$build/corpus/$h" "$build/artifacts/$h"
    log="$build/fuzz_$h.log"
    echo "run-fuzzers: fuzz_$h for $seconds s (log: $log)"
    # FUZZ_SECONDS=0: only run the seeds and the corpus once (-max_total_time=0 would mean no limit).
    duration=(-max_total_time="$seconds")
    [ "$seconds" -eq 0 ] && duration=(-runs=0)
    if ASAN_OPTIONS="detect_leaks=$leaks:${ASAN_OPTIONS:-}" "$build/fuzz_$h" "${duration[@]}" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 \
        -max_len="$maxlen" -detect_leaks="$leaks" -artifact_prefix="$build/artifacts/$h/" -print_final_stats=1 \
        "$build/corpus/$h" "${seeds[@]}" >"$log" 2>&1; then
        grep -E "^#[0-9]+ +DONE|stat::number_of_executed_units" "$log" | tail -2 | sed 's/^/    /' || true
    else
        failed+=("$h")
        echo "run-fuzzers: fuzz_$h FOUND A PROBLEM:" >&2
        grep -E "ERROR:|SUMMARY:|what\(\)|terminate called|runtime error|Test unit written" "$log" | head -8 | sed 's/^/    /' >&2 || true
        grep -E "^ +#[0-9]+ .* in (ks::|LLVMFuzzerTestOneInput)" "$log" | head -6 | sed 's/^/    /' >&2 || true
        for a in "$build/artifacts/$h"/*; do
            [ -f "$a" ] && echo "    replay: KS_SHARED_DIR=$shared $build/fuzz_$h $a" >&2
        done
    fi
done
echo "run-fuzzers: done in $(( $(date +%s) - start )) s"
if [ ${#failed[@]} -gt 0 ]; then
    echo "run-fuzzers: problems found by: ${failed[*]}" >&2
    exit 1
fi
