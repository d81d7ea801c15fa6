#!/usr/bin/env bash
# What a durable embedded PostgreSQL costs per run: jobs/demo.yaml on a durable server and on one started with
# NIGHTBENCH_DB_UNSAFE_NO_FSYNC=true, runs alternating (durable, unsafe, durable, ...) so that host load drifts
# hit both alike. Each server is held up by `nightbench db`, so no run pays a server start or stop.
# Prints, per run: mode, wall time of the process, the measure step's time and the whole job's time (from
# Spring Batch's tables), the exit code and the 1-minute load average just before the run.
#
# Usage: bench/durability/run.sh JAVA CLASSPATH FIRST_PORT [RUNS_PER_MODE]   (uses FIRST_PORT and FIRST_PORT+1)
set -euo pipefail
JAVA=$1; CP=$2; PORT=$3; N=${4:-3}
PLAN=$(cd "$(dirname "$0")/../.." && pwd)/jobs/demo.yaml
W=$(mktemp -d)
declare -A port=([durable]=$PORT [unsafe]=$((PORT + 1))) unsafe=([durable]=false [unsafe]=true) holder=()
for mode in durable unsafe; do
  NIGHTBENCH_DB_DIR=$W/$mode NIGHTBENCH_DB_PORT=${port[$mode]} NIGHTBENCH_DB_UNSAFE_NO_FSYNC=${unsafe[$mode]} \
    "$JAVA" -cp "$CP" dev.nightbench.cli.Main db > "$W/$mode-db.log" 2>&1 &
  holder[$mode]=$!
done
# a failed run (set -e) must not leave the two database holders, their servers and the temp dir behind
trap 'kill "${holder[@]}" 2>/dev/null || true; sleep 3; rm -rf "$W"' EXIT
for mode in durable unsafe; do
  until grep -q "Press Ctrl-C" "$W/$mode-db.log"; do sleep 1; done
done
echo "mode     wall_s  measure_s  job_s  exit  load1"
for i in $(seq 1 "$N"); do
  for mode in durable unsafe; do
    load=$(cut -d' ' -f1 /proc/loadavg)
    t0=$(date +%s.%N)
    set +e
    (cd "$W" && NIGHTBENCH_DB_DIR=$W/$mode NIGHTBENCH_DB_PORT=${port[$mode]} \
      "$JAVA" -cp "$CP" dev.nightbench.cli.Main run --plan "$PLAN" --run-date "2001-01-0$i" \
      > "$W/$mode-run-$i.log" 2>&1)
    code=$?
    set -e
    t1=$(date +%s.%N)
    read -r measure job < <(psql -h 127.0.0.1 -p "${port[$mode]}" -U postgres -d postgres -At -F ' ' -c "
      SELECT round(extract(epoch FROM s.end_time - s.start_time)::numeric, 2),
             round(extract(epoch FROM j.end_time - j.start_time)::numeric, 2)
      FROM batch_step_execution s JOIN batch_job_execution j USING (job_execution_id)
      WHERE s.step_name = 'measure' ORDER BY s.step_execution_id DESC LIMIT 1")
    printf "%-8s %6.1f  %9s  %5s  %4s  %5s\n" "$mode" "$(echo "$t1 - $t0" | bc)" "$measure" "$job" "$code" "$load"
  done
done
kill "${holder[durable]}" "${holder[unsafe]}"
wait "${holder[durable]}" "${holder[unsafe]}" || true
rm -rf "$W"
