#!/usr/bin/env bash
# Write-path replay speed, end to end and by phase (see bench/README.md, "1 GiB-write replay").
#   bench/replay.sh [TRACE] [--no-dotnet-benchmarks]
# 1. The 1 GiB-write replay (TRACE, default the README's dd example: 1,024 writes of 1 MiB under 256M):
#    `ksim whatif memory TRACE --memory-limit 128M` and an 8-limit `ksim sweep memory`, 3 runs each under
#    /usr/bin/time, with the 1-min load before each run; then `ksim --version` (process start alone);
#    then the phases in one process (KernelSim.Bench phases: cold = first run with JIT, warm = later runs).
# 2. The 8-limit sweep over the largest committed fio capture, 3 runs.
# 3. BenchmarkDotNet ReplayBenchmarks (unless --no-dotnet-benchmarks).
# Every build and measurement takes /tmp/ksim-quiet.lock (shared with the other engineers) for itself: run this
# script without an outer flock. KSIM_QUIET_LOCK=none skips the lock (a machine of your own).
set -euo pipefail
cd "$(dirname "$0")/.."
lock=${KSIM_QUIET_LOCK:-/tmp/ksim-quiet.lock}
q() { if [ "$lock" = none ]; then "$@"; else flock "$lock" "$@"; fi; }
load() { cut -d' ' -f1 /proc/loadavg; }

trace=traces/corpus/dd-1M-nofsync-memcg256M.trace.gz
bdn=1
for a in "$@"; do
  case "$a" in
    --no-dotnet-benchmarks) bdn=0 ;;
    *) trace=$a ;;
  esac
done

q dotnet build -c Release src/Cli -v q -nologo >/dev/null
q dotnet build -c Release bench/KernelSim.Bench -v q -nologo >/dev/null
ksim="dotnet src/Cli/bin/Release/net10.0/ksim.dll"
limits=64M,128M,256M,384M,512M,768M,1G,max

echo "== 1 GiB-write replay: $trace ($(du -h "$trace" | cut -f1)), $(nproc) CPUs"
for i in 1 2 3; do
  q bash -c "l=\$(cut -d' ' -f1 /proc/loadavg); /usr/bin/time -f \"whatif memory --memory-limit 128M run $i: %e s wall, %U s user, %M KB max RSS, 1-min load \$l\" $ksim whatif memory $trace --memory-limit 128M >/dev/null"
done
for i in 1 2 3; do
  q bash -c "l=\$(cut -d' ' -f1 /proc/loadavg); /usr/bin/time -f \"sweep memory (8 limits) run $i: %e s wall, %U s user, %M KB max RSS, 1-min load \$l\" $ksim sweep memory $trace --memory-limit $limits >/dev/null"
done
for i in 1 2 3; do
  q bash -c "l=\$(cut -d' ' -f1 /proc/loadavg); /usr/bin/time -f \"ksim --version (start-up alone) run $i: %e s wall, 1-min load \$l\" $ksim --version >/dev/null"
done
echo "phases, JIT only (KernelSim.Bench phases, tiered compilation off as in ksim's runtimeconfig; 1-min load $(load)):"
q env DOTNET_TieredCompilation=0 dotnet bench/KernelSim.Bench/bin/Release/net10.0/KernelSim.Bench.dll phases "$trace" 128M 6
# The same with ksim's ReadyToRun images of the libraries (what the CLI runs): the bench's output with them laid over.
r2r=$(mktemp -d)
cp -r bench/KernelSim.Bench/bin/Release/net10.0/. "$r2r/"
for a in KernelSim.Core KernelSim.Models KernelSim.Replay MathNet.Numerics SharpCompress ZstdSharp; do
  if [ -f "src/Cli/obj/Release/net10.0/r2r/$a.dll" ]; then cp "src/Cli/obj/Release/net10.0/r2r/$a.dll" "$r2r/"; fi
done
echo "phases, ReadyToRun libraries (1-min load $(load)):"
q env DOTNET_TieredCompilation=0 dotnet "$r2r/KernelSim.Bench.dll" phases "$trace" 128M 6
rm -rf "$r2r"

largest=$(ls -S traces/fio-*.trace.gz traces/fio-*.trace.xz 2>/dev/null | head -1)
echo "== largest fio capture: $largest ($(du -h "$largest" | cut -f1))"
for i in 1 2 3; do
  q bash -c "l=\$(cut -d' ' -f1 /proc/loadavg); /usr/bin/time -f \"sweep memory (8 limits) run $i: %e s wall, %M KB max RSS, 1-min load \$l\" $ksim sweep memory $largest --memory-limit 64M,128M,256M,512M,1G,2G,4G,max --json >/dev/null"
done

if [ "$bdn" = 1 ]; then
  q dotnet run -c Release --project bench/KernelSim.Bench -- --filter '*Replay*' --warmupCount 2 --iterationCount 5
fi
