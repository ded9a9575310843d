#!/usr/bin/env bash
# Writes a large ftrace text trace for speed measurements by concatenating a committed capture with
# itself, each copy shifted later in time (so timestamps keep rising and per-CPU order holds).
# The result goes under /tmp and is never committed.
# Usage: bench/make-big-trace.sh [SIZE_MB] [CAPTURE] [OUT]
#   SIZE_MB  target size in MB (default 2048)
#   CAPTURE  committed capture (default traces/fio-rand4k-memcg1G.trace.gz, 63 MB of text, 546k events)
#   OUT      output path (default /tmp/ksim-big/big-SIZE_MB.trace)
set -euo pipefail
cd "$(dirname "$0")/.."
size_mb=${1:-2048}
capture=${2:-traces/fio-rand4k-memcg1G.trace.gz}
out=${3:-/tmp/ksim-big/big-${size_mb}.trace}
mkdir -p "$(dirname "$out")"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
gunzip -c "$capture" > "$tmp/one.txt"
one=$(stat -c %s "$tmp/one.txt")
copies=$(( (size_mb * 1000000 + one - 1) / one ))
# Span of the capture in whole seconds, plus one: copy k is shifted by k times that.
span=$(awk '/^ *[^#].*\] .* [0-9]+\.[0-9]+: / { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\.[0-9]+:$/) { t = $i + 0; if (!f) { f = t }; l = t; break } } END { printf "%d\n", l - f + 2 }' "$tmp/one.txt")
{
  grep '^#' "$tmp/one.txt"          # the tracefs header once
  for k in $(seq 0 $((copies - 1))); do
    # Shift the first "SEC.USEC: " on each event line by k*span seconds (the timestamp column).
    perl -ne 'BEGIN { $o = shift @ARGV } next if /^#/; s/ (\d+)\.(\d{6}): / " " . ($1 + $o) . ".$2: "/e; print' $((k * span)) "$tmp/one.txt"
  done
} > "$out"
echo "$out: $(stat -c %s "$out") bytes, $copies copies of $capture ($one bytes each, shifted by $span s)"
