#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/fuzz_*.cpp) with clang-14, ASan and UBSan in
# build-fuzz/, then runs each for SECONDS (default 30) starting from its checked-in seed
# corpus (tests/fuzz/corpus/<target>/), with its dictionary (tests/fuzz/<target>.dict) if
# there is one. New corpus entries go to build-fuzz/corpus/<target>/, so the checked-in
# seeds stay small; crashing inputs go to build-fuzz/artifacts/<target>/.
# Exits non-zero if any target crashed, leaked, timed out or failed to build.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET]
#   TELCO_FUZZ_TARGETS="fuzz_tx_decode fuzz_bech32" scripts/fuzz.sh 10   # a subset
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
seconds=${1:-30}
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || (( seconds < 1 )); then
  echo "usage: scripts/fuzz.sh [SECONDS_PER_TARGET]  (a positive integer, default 30)" >&2
  exit 2
fi
if ! command -v clang++-14 >/dev/null; then
  echo "fuzz.sh: clang++-14 not found (Debian package clang-14)" >&2
  exit 2
fi
build="$root/build-fuzz"

# -O1 -g1 without -DNDEBUG: the assertions of the code under test stay on while fuzzing; line
# tables are all a crash report needs.
CXX=clang++-14 cmake -S "$root" -B "$build" -G Ninja -DTELCO_FUZZ=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" >/dev/null
ninja -C "$build" -j"$(nproc)"

targets=()
if [[ -n "${TELCO_FUZZ_TARGETS:-}" ]]; then
  read -r -a targets <<<"$TELCO_FUZZ_TARGETS"
else
  for src in "$root"/tests/fuzz/fuzz_*.cpp; do targets+=("$(basename "$src" .cpp)"); done
fi
if (( ${#targets[@]} == 0 )); then
  echo "fuzz.sh: no fuzz targets found" >&2
  exit 1
fi

# Targets run side by side, one per core: each libFuzzer process is single-threaded.
parallel=${TELCO_FUZZ_JOBS:-$(nproc)}
results="$build/results"
rm -rf "$results"
mkdir -p "$results"

# run_one TARGET: fuzzes one target and writes its summary line to $results/TARGET.
run_one() {
  local t=$1
  local bin="$build/tests/fuzz/$t"
  if [[ ! -x "$bin" ]]; then
    printf '%-22s %-8s %s\n' "$t" FAILED "not built" >"$results/$t"
    return
  fi
  local work="$build/corpus/$t" artifacts="$build/artifacts/$t" log="$build/logs/$t.log"
  mkdir -p "$work" "$artifacts" "$(dirname "$log")"
  local seeds=() dict=()
  [[ -d "$root/tests/fuzz/corpus/$t" ]] && seeds+=("$root/tests/fuzz/corpus/$t")
  [[ -f "$root/tests/fuzz/$t.dict" ]] && dict+=("-dict=$root/tests/fuzz/$t.dict")
  local status=ok
  if ! ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}" \
      "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$artifacts/" "${dict[@]}" "$work" "${seeds[@]}" >"$log" 2>&1; then
    status=FAILED
  fi
  local runs cov corp detail
  runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1 || true)
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || true)
  corp=$(find "$work" -type f | wc -l)
  detail="runs=${runs:-?} cov=${cov:-?} corpus=$corp"
  if [[ $status != ok ]]; then
    detail="$detail  log: $log"
    {
      grep -E 'ERROR|invariant violated|runtime error|deadly signal|Test unit written' "$log" | head -5 || true
      ls "$artifacts" 2>/dev/null | sed "s|^|    artifact: $artifacts/|" | head -5
    } >"$results/$t.detail"
  fi
  printf '%-22s %-8s %s\n' "$t" "$status" "$detail" >"$results/$t"
}

echo "fuzzing ${#targets[@]} targets for $seconds s each, $parallel at a time"
running=0
for t in "${targets[@]}"; do
  if (( running >= parallel )); then
    wait -n || true
    running=$((running - 1))
  fi
  printf '==== %s (%s s)\n' "$t" "$seconds"
  run_one "$t" &
  running=$((running + 1))
done
wait

failed=0
summary=()
for t in "${targets[@]}"; do
  [[ -f "$results/$t.detail" ]] && cat "$results/$t.detail"
  line=$(cat "$results/$t" 2>/dev/null || printf '%-22s %-8s %s' "$t" FAILED "no result")
  [[ "$line" == *" ok "* ]] || failed=1
  summary+=("$line")
done

echo
echo "fuzz summary (${seconds} s per target):"
printf '  %s\n' "${summary[@]}"
if (( failed )); then
  echo "fuzzing FAILED: reproduce with <build-fuzz/tests/fuzz/target> <artifact>" >&2
  exit 1
fi
echo "fuzzing passed"
