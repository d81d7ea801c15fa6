#!/usr/bin/env bash
# Startup benchmark (bench/README.md, "Startup"): wall time from launch to exit of --help, validate, runs and report,
# and for run the time from launch to its first request at a model server, for three ways to start Nightbench:
#   jar        java -jar target/nightbench.jar
#   extracted  src/main/launcher/nightbench with NIGHTBENCH_AOT=0 (the jar extracted once; classes from plain jars)
#   aot        src/main/launcher/nightbench with the JDK 25 AOT cache trained by src/main/launcher/nightbench-aot
#   baseline   java -jar BASELINE_JAR (--baseline FILE: e.g. a jar built from main before these changes)
# Everything runs on a throwaway embedded PostgreSQL that is already up and migrated (started by `nightbench db`
# before measuring), and a loopback stub model server (stub_server.py, python3). Each figure is the median of
# --repeat launches with min–max, CPU time (user+sys) beside it, and the 1-minute load average read from
# /proc/loadavg just before each launch: on a shared machine the load decides the wall times.
#
#   bench/startup/run.sh [--repeat N] [--variants jar,extracted,aot] [--commands help,validate,runs,report,run]
#                        [--baseline FILE.jar] [--out FILE.tsv]
# Ports: NIGHTBENCH_DB_PORT (default 55470) for the database, +1 for the stub server, +2 for the AOT training run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
repeat=5
variants=jar,extracted,aot
commands=help,validate,runs,report,run
out=""
baseline=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --repeat) repeat="$2"; shift 2 ;;
    --variants) variants="$2"; shift 2 ;;
    --commands) commands="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --baseline) baseline="$(readlink -f "$2")"; variants="baseline,$variants"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[[ -f "$root/target/nightbench.jar" ]] || (cd "$root" && ./mvnw -q -B -ntp -DskipTests package)
work="$(mktemp -d)"
# a copy of the jar (and its extracted form) in the work directory: a rebuild during the benchmark changes nothing
export NIGHTBENCH_JAR="$work/nightbench.jar" NIGHTBENCH_APP_DIR="$work/nightbench-app"
cp "$root/target/nightbench.jar" "$NIGHTBENCH_JAR"
[[ -z "$baseline" ]] || cp "$baseline" "$work/baseline.jar"
jar="$NIGHTBENCH_JAR"
java="$(NIGHTBENCH_WHICH_JAVA=1 "$root/src/main/launcher/nightbench")"
db_port="${NIGHTBENCH_DB_PORT:-55470}"
stub_port=$((db_port + 1))
out="${out:-$work/startup.tsv}"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work/pgdata" "$work/nightbench-app" "$work/nightbench.jar" "$work/baseline.jar"
}
trap cleanup EXIT
export NIGHTBENCH_DB_DIR="$work/pgdata" NIGHTBENCH_DB_PORT="$db_port" STUB_PORT="$stub_port"
cd "$work"   # the runs' reports/ go here

python3 "$root/bench/startup/stub_server.py" "$stub_port" "$work/stub.log" & pids+=($!)
"$java" -jar "$jar" db > "$work/db.log" 2>&1 & pids+=($!)
for _ in $(seq 1 240); do grep -q "JDBC:" "$work/db.log" && break; sleep 0.5; done
grep -q "JDBC:" "$work/db.log" || { cat "$work/db.log" >&2; exit 1; }
echo "database up on port $db_port; priming (migrations, one run) ..." >&2
"$java" -jar "$jar" run --plan "$root/bench/startup/stub.yaml" > "$work/prime.log" 2>&1 || { cat "$work/prime.log" >&2; exit 1; }
NIGHTBENCH_AOT=0 "$root/src/main/launcher/nightbench" --help > /dev/null   # extracts the jar
if [[ ",$variants," == *",aot,"* ]]; then
  (cd "$root" && NIGHTBENCH_DB_PORT=$((db_port + 2)) src/main/launcher/nightbench-aot) >&2
fi

launcher() {
  case "$1" in
    jar) echo "$java -jar $jar" ;;
    baseline) echo "$java -jar $work/baseline.jar" ;;
    extracted) echo "env NIGHTBENCH_AOT=0 $root/src/main/launcher/nightbench" ;;
    aot) echo "$root/src/main/launcher/nightbench" ;;
  esac
}
arguments() {
  case "$1" in
    help) echo "--help" ;;
    validate) echo "validate --plan $root/jobs/demo.yaml" ;;
    runs) echo "runs" ;;
    report) echo "report" ;;
    run) echo "run --plan $root/bench/startup/stub.yaml" ;;
  esac
}

printf "variant\tcommand\trep\texit\twall_ms\tcpu_ms\tload1\tfirst_request_ms\tfirst_chat_ms\n" > "$out"
IFS=, read -r -a vs <<< "$variants"
IFS=, read -r -a cs <<< "$commands"
for rep in $(seq 1 "$repeat"); do
  for c in "${cs[@]}"; do
    for v in "${vs[@]}"; do   # interleaved, so a change in the machine's load touches every variant alike
      : > "$work/stub.log"
      load="$(cut -d' ' -f1 /proc/loadavg)"
      t0="$(date +%s%N)"
      set +e
      # shellcheck disable=SC2046
      /usr/bin/time -f "%U %S" -o "$work/time.txt" $(launcher "$v") $(arguments "$c") > "$work/out.txt" 2>&1
      rc=$?
      set -e
      t1="$(date +%s%N)"
      cpu="$(awk '{printf "%d", ($1 + $2) * 1000}' "$work/time.txt" | tail -1)"
      first="$(awk -v t0="$t0" 'NR == 1 {printf "%d", ($2 - t0) / 1e6}' "$work/stub.log")"
      chat="$(awk -v t0="$t0" '$1 == "chat" {printf "%d", ($2 - t0) / 1e6; exit}' "$work/stub.log")"
      printf "%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\n" "$v" "$c" "$rep" "$rc" $(((t1 - t0) / 1000000)) "$cpu" "$load" \
        "${first:-}" "${chat:-}" >> "$out"
      if [[ "$rc" != 0 ]]; then echo "$v $c exited $rc:" >&2; tail -5 "$work/out.txt" >&2; fi
    done
  done
  echo "round $rep of $repeat done" >&2
done

python3 - "$out" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
def fmt(values):
    v = sorted(values)
    return f"{statistics.median(v) / 1000:.2f} s ({v[0] / 1000:.2f}–{v[-1] / 1000:.2f})"
print(f"{len(rows)} launches; median (min–max) of each; load = 1-min load average before each launch, median (min–max)\n")
print("| command | start | wall | CPU user+sys | first request after launch | load |")
print("|---|---|---:|---:|---:|---:|")
seen = []
for r in rows:
    if (r["command"], r["variant"]) not in seen:
        seen.append((r["command"], r["variant"]))
for c, v in seen:
    g = [r for r in rows if r["command"] == c and r["variant"] == v]
    wall = fmt([int(r["wall_ms"]) for r in g])
    cpu = fmt([int(r["cpu_ms"]) for r in g if r["cpu_ms"]])
    firsts = [int(r["first_request_ms"]) for r in g if r["first_request_ms"]]
    first = fmt(firsts) if firsts else ""
    loads = sorted(float(r["load1"]) for r in g)
    bad = sum(1 for r in g if r["exit"] not in ("0", "4"))
    print(f"| {c} | {v} | {wall} | {cpu} | {first} | {statistics.median(loads):.1f} ({loads[0]:.1f}–{loads[-1]:.1f})"
          + (f" | {bad} failed" if bad else "") + " |")
PY
echo "raw figures: $out" >&2
