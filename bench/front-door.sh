#!/usr/bin/env bash
# Times `ksim info --json` and `ksim convert` (Parquet out) on a large text trace, REPEAT rounds, and prints wall
# time, MB/s (input bytes / wall), CPU time (user + system) and peak RSS per run, with the 1-minute load before it.
# Each run takes the quiet lock on its own (so a series never holds it for long):
#   bench/front-door.sh /tmp/ksim-big/big-2048.trace
# Make the trace with bench/make-big-trace.sh. KSIM overrides the ksim command (default: the Release build here).
# STEPS=info or STEPS=convert runs one of the two. KSIM_BEFORE=<command> (another build, e.g. "dotnet
# /tmp/before/ksim.dll") alternates the two builds in every round: info, convert, before info, before convert; the
# two converts' outputs are compared with cmp.
set -euo pipefail
cd "$(dirname "$0")/.."
trace=${1:?usage: bench/front-door.sh TRACE}
REPEAT=${REPEAT:-3}
STEPS=${STEPS:-"info convert"}
KSIM=${KSIM:-"dotnet src/Cli/bin/Release/net10.0/ksim.dll"}
KSIM_BEFORE=${KSIM_BEFORE:-}
out=${OUT:-/tmp/ksim-big/out.parquet}
bytes=$(stat -c %s "$trace")
cat "$trace" > /dev/null   # page cache warm, as for every run after the first
log=$(mktemp); trap 'rm -f "$log"' EXIT
run() { # label, command...
  local label=$1; shift
  local load; load=$(cut -d' ' -f1 /proc/loadavg)
  flock /tmp/ksim-quiet.lock /usr/bin/time -f "%e %U %S %M" -o "$log" "$@" > /dev/null
  read -r wall user sys rss < "$log"
  awk -v l="$label" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" -v b="$bytes" -v load="$load" \
    'BEGIN { printf "%-22s %6.2f s wall, %5.0f MB/s, CPU %5.2f s, %4.0f MB max RSS, load %s\n", l, w, b / w / 1e6, u + s, r / 1024, load }'
}
for i in $(seq "$REPEAT"); do
  for step in $STEPS; do
    case $step in
      info) run "info --json" $KSIM info --json "$trace" ;;
      convert) run "convert" $KSIM convert "$trace" -o "$out" ;;
    esac
  done
  if [ -n "$KSIM_BEFORE" ]; then
    for step in $STEPS; do
      case $step in
        info) run "before: info --json" $KSIM_BEFORE info --json "$trace" ;;
        convert) run "before: convert" $KSIM_BEFORE convert "$trace" -o "$out.before"
                 cmp -s "$out" "$out.before" && echo "  same Parquet bytes as before" || echo "  Parquet output DIFFERS from before" ;;
      esac
    done
  fi
done
