# Shared helpers for the ksimev captures (run as root on the lab VM; see ../../CAPTURES.md).
# Every capture uses a private tracefs instance, so the top-level buffer and other instances are untouched.
T=/sys/kernel/tracing/instances/ksimev
OUT=${OUT:-/tmp/ksimev}
mkdir -p "$OUT"
inst() { mkdir "$T" || exit 1; echo "${1:-8192}" > "$T/buffer_size_kb"; }
ev() { for e in "$@"; do echo 1 > "$T/events/$e/enable"; done; }
filt() { local f=$1; shift; for e in "$@"; do echo "$f" > "$T/events/$e/filter"; done; }
# Saves the instance as ftrace text, then as trace.dat (trace-cmd extract removes the instance itself).
save() {
    cat "$T/trace" > "$OUT/$1.ftrace.txt"
    trace-cmd extract -B ksimev -o "$OUT/$1.dat" > /dev/null 2>&1
    if [ -d "$T" ]; then echo 0 > "$T/events/enable"; rmdir "$T"; fi
    trace-cmd report -i "$OUT/$1.dat" > "$OUT/$1.tc.txt" 2> /dev/null
    trace-cmd report -R -i "$OUT/$1.dat" > "$OUT/$1.tcR.txt" 2> /dev/null
}
