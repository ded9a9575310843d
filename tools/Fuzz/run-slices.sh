#!/usr/bin/env bash
# Runs the fuzzer over every surface in slices (one process per slice, each under the quiet-machine lock so a long
# run never holds the CPU for more than a few minutes at a time). Usage:
#   tools/Fuzz/run-slices.sh [SEED] [SURFACE=COUNT ...]
# default: seed 17, trace=250000 parquet=50000 manifest=150000 scenario=150000 options=400000 (1,000,000 inputs).
set -euo pipefail
cd "$(dirname "$0")/../.."
SEED=${1:-17}; shift || true
PLAN=("$@"); [ ${#PLAN[@]} -gt 0 ] || PLAN=(trace=250000 parquet=50000 manifest=150000 scenario=150000 options=400000)
SLICE=${SLICE:-125000}
LOCK=${LOCK:-/tmp/ksim-quiet.lock}
flock "$LOCK" dotnet build tools/Fuzz -c Release -v q 2>&1 | tail -1
DLL=tools/Fuzz/bin/Release/net10.0/KernelSim.Fuzz.dll
for item in "${PLAN[@]}"; do
  surface=${item%%=*}; total=${item#*=}
  for ((start = 0; start < total; start += SLICE)); do
    n=$(( total - start < SLICE ? total - start : SLICE ))
    flock "$LOCK" dotnet "$DLL" --surface "$surface" --seed "$SEED" --start "$start" --count "$n" || echo "slice $surface $start: exit $?"
  done
done
