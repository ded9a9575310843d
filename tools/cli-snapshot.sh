#!/usr/bin/env bash
# Runs a representative set of ksim commands (each command's text and JSON output, error cases with their exit
# codes, --help of every command, a Parquet conversion) and stores stdout, stderr and the exit code of each in
# OUTDIR, so that two builds can be compared byte for byte (a refactoring must not change any of it):
#   tools/cli-snapshot.sh /tmp/before            # the Release build here
#   KSIM="dotnet /tmp/ksim-before/ksim.dll" tools/cli-snapshot.sh /tmp/before
#   tools/cli-snapshot.sh /tmp/after && diff -r /tmp/before /tmp/after && echo identical
# Runs from the repository root (paths in the output are the same for both builds). Each command takes the quiet
# lock on its own. Standard output is a file, so tables print as TSV; progress is off (not a terminal).
# QUICK=1 leaves out validate (the slowest, about a minute).
set -uo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: tools/cli-snapshot.sh OUTDIR}
KSIM=${KSIM:-"dotnet src/Cli/bin/Release/net10.0/ksim.dll"}
rm -rf "$out"
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
run() { # name, ksim arguments...
  local name=$1; shift
  n=$((n + 1))
  flock /tmp/ksim-quiet.lock $KSIM "$@" > "$out/$name.out" 2> "$out/$name.err" < /dev/null
  echo $? > "$out/$name.rc"
}
T=traces
# The output names the temp folder of the Parquet files: make it the same for both builds.
pq=/tmp/ksim-snapshot-parquet
mkdir -p "$pq"

# help of every command (the options are bound differently, their help must not change)
run help-root --help
for c in info convert check validate "whatif memory" "whatif net" "whatif stop" "sweep memory"; do
  run "help-${c// /-}" $c --help
done

# info
run info-default info
run info-json info --json
run info-file info $T/fio-seq64k-memcg1G.trace.gz
run info-stdin info - < /dev/null
run info-perf-json info --json $T/samples/perf-script.txt
run info-uptime-json info --json --clock Uptime --user-hz 100 $T/samples/ftrace-clock-uptime.txt
run info-bad-userhz info --user-hz 0 $T/samples/ftrace-clock-uptime.txt
run info-bad-tschz info --tsc-hz -5 $T/samples/ftrace-clock-x86-tsc.txt
run info-missing info /nonexistent/x.trace
run info-dir info $T
run info-notrace info $T/samples/README.md
run info-strict-bad info --strict $T/samples/bad/truncated.gz
run info-bad-format info --format Nope $T/samples/perf-script.txt

# convert (Parquet bytes compared too)
run convert-rand4k convert $T/fio-rand4k-memcg1G.trace.gz -o "$pq/rand4k.parquet"
run convert-comm-odd convert $T/samples/ftrace-comm-odd.txt -o "$pq/comm-odd.parquet"
run convert-perf convert $T/samples/perf-script.txt -o "$pq/perf.parquet"
run convert-missing convert /nonexistent/x.trace -o "$pq/x.parquet"
run convert-no-output convert $T/samples/perf-script.txt
run info-parquet-json info --json "$pq/rand4k.parquet"
cp "$pq"/*.parquet "$out/"

# check
run check-default check
run check-json check --json
run check-net-json check --json $T/net-veth-bridge-udp64-pinned.trace.gz
run check-signal-json check --json $T/pidns-signals.trace.gz
run check-wb-json check --json $T/fio-seq64k-dirtybytes32M.trace.gz
run check-nomanifest check --json tests/bad-inputs/nomanifest/wb.trace.gz
run check-strict check --strict --json tests/bad-inputs/cpus0/$(ls tests/bad-inputs/cpus0 | grep trace | head -1)
run check-missing check /nonexistent/x.trace

# whatif memory
run mem-128M whatif memory $T/fio-seq64k-memcg1G.trace.gz --memory-limit 128M
run mem-128M-json whatif memory $T/fio-seq64k-memcg1G.trace.gz --memory-limit 128M --json
run mem-default-json whatif memory --memory-limit 256M --json
run mem-nochange whatif memory $T/fio-seq64k-memcg128M.trace.gz
run mem-all-json whatif memory $T/fio-seq64k-memcg1G.trace.gz --memory-limit 256M --memory-high 200M --cgroup v2 --dirty-bytes 32M --parent-limit 512M --memory-min 64M --memory-low 96M --anon 16M --kernel 6.1 --requests ops --json
run mem-max-json whatif memory $T/fio-seq64k-memcg128M.trace.gz --memory-limit max --cgroup 1 --json
run mem-caplimit-json whatif memory tests/bad-inputs/nomanifest/wb.trace.gz --capture-limit 1G --memory-limit 128M --json
run mem-reads whatif memory $T/fio-rand4k-memcg1G.trace.gz --memory-limit 128M
run mem-bad-limit whatif memory $T/fio-seq64k-memcg1G.trace.gz --memory-limit lots
run mem-bad-cgroup whatif memory $T/fio-seq64k-memcg1G.trace.gz --cgroup v3
run mem-bad-kernel whatif memory $T/fio-seq64k-memcg1G.trace.gz --kernel 5.4
run mem-bad-requests whatif memory $T/fio-seq64k-memcg1G.trace.gz --requests bogus
run mem-bad-high whatif memory $T/fio-seq64k-memcg1G.trace.gz --memory-high x
run mem-bad-caplimit whatif memory $T/fio-seq64k-memcg1G.trace.gz --capture-limit huge
run mem-signal whatif memory $T/samples/ftrace-signal.txt --memory-limit 128M --json
run mem-missing whatif memory /nonexistent/x.trace --memory-limit 128M
run mem-unknown-option whatif memory --bogus
run mem-strict whatif memory --strict --json tests/bad-inputs/cpus0/$(ls tests/bad-inputs/cpus0 | grep trace | head -1)

# sweep memory
run sweep-default sweep memory
run sweep-json sweep memory $T/fio-seq64k-memcg1G.trace.gz --memory-limit 128M,512M,max --json
run sweep-plot sweep memory $T/fio-seq64k-memcg1G.trace.gz --memory-limit 128M,1G --plot "$pq/knee.png" --groundtruth $T/groundtruth/write-latency.csv
run sweep-bad-workload sweep memory $T/fio-seq64k-memcg1G.trace.gz --memory-limit 128M --plot "$pq/knee2.png" --groundtruth $T/groundtruth/write-latency.csv --workload no-such
run sweep-bad-limit sweep memory --memory-limit 64M,lots
run sweep-empty-limit sweep memory --memory-limit ,
run sweep-missing sweep memory /nonexistent/x.trace
cp "$pq/knee.png" "$out/"

# whatif net
run net-default whatif net
run net-default-json whatif net --json
run net-bridge whatif net $T/net-loopback-udp64-pinned.trace.gz --topology veth-bridge
run net-bridge-json whatif net $T/net-loopback-udp64-pinned.trace.gz --topology veth-bridge --json
run net-flood whatif net $T/net-veth-udp64-pinned.trace.gz --load max
run net-flood-json whatif net $T/net-veth-udp64-pinned.trace.gz --load 20000 --json
run net-sysctl-json whatif net $T/net-loopback-udp64-pinned.trace.gz --topology veth --msg-size 1400 --dev-weight 16 --netdev-budget 100 --backlog 500 --json
run net-gro whatif net $T/net-veth-udp64-pinned.trace.gz --veth-gro on
run net-rps-json whatif net $T/net-veth-udp64-pinned.trace.gz --rps --veth-gro off --json
run net-bad-gro whatif net --veth-gro maybe
run net-bad-topology whatif net --topology token-ring
run net-bad-load whatif net --load -1
run net-bad-rps whatif net --rps
run net-bad-budget whatif net --netdev-budget 0
run net-missing whatif net /nonexistent/x.trace
run net-memtrace whatif net $T/fio-seq64k-memcg128M.trace.gz
run net-redis whatif net $T/net-services/redis-get-rr-loopback.trace.gz --topology veth-bridge
run net-redis-json whatif net $T/net-services/redis-get-rr-loopback.trace.gz --topology veth-bridge --json
run net-redis-c4-json whatif net $T/net-services/redis-bench-c4-loopback.trace.gz --json

# whatif stop
run stop-shell whatif stop $T/stop/shell-pid1.json
run stop-shell-json whatif stop $T/stop/shell-pid1.json --json
run stop-tini whatif stop $T/stop/shell-pid1.json --init tini
run stop-all-json whatif stop $T/stop/shell-pid1.json --grace 30s --signal INT --pid1-handles-term 200 --json
run stop-yaml-json whatif stop $T/stop/tini-app.yaml --grace 500ms --json
run stop-trace-json whatif stop $T/pidns-signals.trace.gz --root 12992 --json
run stop-trace-noroot whatif stop $T/pidns-signals.trace.gz
run stop-bad-init whatif stop $T/stop/shell-pid1.json --init systemd
run stop-bad-grace whatif stop $T/stop/shell-pid1.json --grace forever
run stop-bad-pid1 whatif stop $T/stop/shell-pid1.json --pid1-handles-term -3
run stop-bad-file whatif stop tests/bad-inputs/stop/hugegrace.json
run stop-missing whatif stop /nonexistent/x.json
run stop-no-arg whatif stop

# validate
if [ -z "${QUICK:-}" ]; then
  run validate-json validate --json
  run validate validate
fi
run validate-missing validate --traces /nonexistent
run unknown-command frobnicate

echo "$n commands -> $out"
