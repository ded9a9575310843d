# Select the first line of each event from the ksimev captures, ordered by time (see CAPTURES.md).
# usage: python3 select.py SUFFIX > OUT     (SUFFIX: ftrace.txt, tc.txt or tcR.txt)
import re, sys
suffix = sys.argv[1]
seen, out = set(), []
for cap in ("A", "B", "B2", "C"):
    for line in open(f"{cap}.{suffix}"):
        m = re.search(r"\s(\d+\.\d+):\s+([a-z_0-9]+)(?:[:(]| ->)", line)
        if not m or line.startswith("#"):
            continue
        name = m.group(2) + ("<" if " -> " in line[m.end(2):m.end(2) + 4] else "")
        if name not in seen:
            seen.add(name)
            out.append((float(m.group(1)), line.rstrip("\n")))
if suffix == "ftrace.txt":
    print("# tracer: nop\n#\n#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n#              | |         |   |||||     |         |")
else:
    print("cpus=2")
for _, line in sorted(out, key=lambda t: t[0]):
    print(line)
