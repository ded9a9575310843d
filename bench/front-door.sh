#!/usr/bin/env bash
# Times `ksim info --json` and `ksim convert` (Parquet out) on a large text trace, REPEAT runs each, and prints
# wall time, MB/s (input bytes / wall) and peak RSS per run. Run on a quiet machine, under the lock:
#   flock /tmp/ksim-quiet.lock bench/front-door.sh /tmp/ksim-big/big-2048.trace
# Make the trace with bench/make-big-trace.sh. KSIM overrides the ksim command (default: the Release build here).
# STEPS=info or STEPS=convert runs one of the two.
set -euo pipefail
cd "$(dirname "$0")/.."
trace=${1:?usage: bench/front-door.sh TRACE}
REPEAT=${REPEAT:-3}
STEPS=${STEPS:-"info convert"}
KSIM=${KSIM:-"dotnet src/Cli/bin/Release/net10.0/ksim.dll"}
out=${OUT:-/tmp/ksim-big/out.parquet}
bytes=$(stat -c %s "$trace")
cat "$trace" > /dev/null   # page cache warm, as for every run after the first
log=$(mktemp); trap 'rm -f "$log"' EXIT
run() { # label, command...
  local label=$1; shift
  for i in $(seq "$REPEAT"); do
    /usr/bin/time -f "%e %M" -o "$log" "$@" > /dev/null
    read -r wall rss < "$log"
    awk -v l="$label" -v i="$i" -v w="$wall" -v r="$rss" -v b="$bytes" \
      'BEGIN { printf "%s run %d: %.2f s wall, %.0f MB/s, %.0f MB max RSS\n", l, i, w, b / w / 1e6, r / 1024 }'
  done
}
for step in $STEPS; do
  case $step in
    info) run "info --json" $KSIM info --json "$trace" ;;
    convert) run "convert" $KSIM convert "$trace" -o "$out" ;;
  esac
done
