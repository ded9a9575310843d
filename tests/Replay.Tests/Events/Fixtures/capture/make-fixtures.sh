#!/bin/bash
# Regenerates ../ksimev-first-of-each.{ftrace,trace-cmd,trace-cmd-raw}.txt from captures A, B, B2 and C in $OUT.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cd "${OUT:-/tmp/ksimev}"
python3 "$here/select.py" ftrace.txt > "$here/../ksimev-first-of-each.ftrace.txt"
python3 "$here/select.py" tc.txt > "$here/../ksimev-first-of-each.trace-cmd.txt"
python3 "$here/select.py" tcR.txt > "$here/../ksimev-first-of-each.trace-cmd-raw.txt"
