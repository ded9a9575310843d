#!/usr/bin/env bash
# Times `ksim sweep memory` over the largest committed capture with 8 limits, end to end (extraction,
# calibration, 8 parallel simulations), 3 runs; then the BenchmarkDotNet replay suite. Quiet machine only.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release src/Cli -v q -nologo >/dev/null
trace=$(ls -S traces/fio-*.trace.gz traces/fio-*.trace.xz 2>/dev/null | head -1)
echo "largest capture: $trace ($(du -h "$trace" | cut -f1))"
for i in 1 2 3; do
  /usr/bin/time -f "ksim sweep memory (8 limits) run $i: %e s wall, %M KB max RSS" \
    dotnet src/Cli/bin/Release/net10.0/ksim.dll sweep memory "$trace" --memory-limit 64M,128M,256M,512M,1G,2G,4G,max --json >/dev/null
done
dotnet run -c Release --project bench/KernelSim.Bench -- --filter '*Replay*' --warmupCount 2 --iterationCount 5
