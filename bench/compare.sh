#!/usr/bin/env bash
# Side-by-side: `ksim info` vs `trace-cmd report > /dev/null` (and `perf script` where a perf.data
# exists) on the same capture, plus streaming of a large synthetic trace for throughput and peak RSS.
# Run on a quiet machine (no build, test or other job). Usage: bench/compare.sh [TRACE_BASE] [SIZE]
#   TRACE_BASE  capture base path without extension (default: the largest traces/*.trace.gz)
#   SIZE        synthetic trace size for the RSS check (default 2G)
set -euo pipefail
cd "$(dirname "$0")/.."
REPEAT=${REPEAT:-3}
SIZE=${2:-2G}
dotnet build -c Release bench/KernelSim.Bench -v q -nologo >/dev/null
dotnet build -c Release src/Cli -v q -nologo >/dev/null
KSIM="dotnet src/Cli/bin/Release/net10.0/ksim.dll"
BENCH="dotnet bench/KernelSim.Bench/bin/Release/net10.0/KernelSim.Bench.dll"

base=${1:-}
if [[ -z "$base" ]]; then
  gz=$(ls -S traces/*.trace.gz 2>/dev/null | head -1 || true)
  base=${gz%.trace.gz}
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

timeit() { # label, command...
  local label=$1; shift
  for i in $(seq "$REPEAT"); do
    /usr/bin/time -f "$label run $i: %e s wall, %M KB max RSS" "$@" >/dev/null 2>>"$tmp/time.log" || true
    tail -1 "$tmp/time.log"
  done
}

if [[ -n "$base" && -f "$base.trace.gz" ]]; then
  gunzip -c "$base.trace.gz" > "$tmp/trace.txt"
  echo "capture: $base ($(du -h "$tmp/trace.txt" | cut -f1) of text)"
  timeit "ksim info (text)" $KSIM info --json "$tmp/trace.txt"
  $BENCH throughput "$tmp/trace.txt"
  if [[ -f "$base.dat" ]] && command -v trace-cmd >/dev/null; then
    timeit "trace-cmd report (trace.dat)" trace-cmd report -i "$base.dat"
    timeit "ksim info (trace.dat via trace-cmd)" $KSIM info --json "$base.dat"
  fi
fi

echo "synthetic $SIZE ftrace text:"
$BENCH synth "$tmp/synth.txt" "$SIZE"
for i in $(seq "$REPEAT"); do $BENCH throughput "$tmp/synth.txt"; done
timeit "ksim info (synthetic $SIZE)" $KSIM info --json "$tmp/synth.txt"
