#!/usr/bin/env bash
# Remote partitioning (issue 15): one plan of 8 simulated endpoints (one sim-medium model each, 2 prompts x 2 rounds,
# 4 requests per endpoint), run serially (no scale:) and partitioned by endpoint over RabbitMQ with 1, 2 and 4
# worker JVMs (scale.workers = the number of workers). Every mode uses a fresh database on the PostgreSQL at
# 127.0.0.1:5432 (user postgres, trust) and its own queue on the RabbitMQ at 127.0.0.1:5672 (guest/guest).
# Prints, per run: mode, wall time of the manager process, the measure step (serial: measure; partitioned: the
# manager step measurePartitioned), the sum and the longest of the partitions' own step times, the coordination
# overhead per partition, the manager's exit code and the 1-minute load average before and after.
#   overhead per partition = (manager step - sum of partition steps / workers) / partitions per worker
# i.e. the manager's time not covered by partitions running, spread over the partitions each worker ran in turn.
#
# Usage: bench/scale/run.sh JAVA CLASSPATH [REPEATS]
set -euo pipefail
JAVA=$1; CP=$2; N=${3:-1}
W=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$W"' EXIT
plan() { # $1 name, $2 scale line
  {
    echo "name: $1"
    echo "endpoints:"
    for i in 1 2 3 4 5 6 7 8; do echo "  - {name: e$i, type: simulated}"; done
    echo "models:"
    for i in 1 2 3 4 5 6 7 8; do echo "  - {alias: m$i, endpoint: e$i, model: sim-medium}"; done
    echo 'prompts: [{id: p0, text: "Question 0"}, {id: p1, text: "Question 1"}]'
    echo "run: {warmup: 0, rounds: 2, max_tokens: 32}"
    echo "telemetry: {enabled: false}"
    echo "$2"
  } > "$W/$1.yaml"
}
sql() { psql -h 127.0.0.1 -U postgres -d "$1" -At -F ' ' -c "$2"; }
echo "mode     wall_s  measure_s  part_sum_s  part_max_s  overhead_ms/part  exit  load_before  load_after"
for r in $(seq 1 "$N"); do
  for mode in serial 1 2 4; do
    db="nb_scale_${mode}_${r}_$$"
    sql postgres "CREATE DATABASE $db" > /dev/null
    env=(NIGHTBENCH_DB_URL="jdbc:postgresql://127.0.0.1:5432/$db" NIGHTBENCH_DB_USER=postgres
         NIGHTBENCH_LOG_DIR="$W/logs")
    if [ "$mode" = serial ]; then
      plan "scale-serial" ""
      name=scale-serial
    else
      name="scale-w$mode"
      plan "$name" "scale: {partition_by: endpoint, workers: $mode}"
      env+=(NIGHTBENCH_RABBIT_URL=amqp://guest:guest@127.0.0.1:5672 NIGHTBENCH_SCALE_QUEUE="nightbench.bench.$db")
      # the schema first (the workers would race to migrate it)
      (cd "$W" && env "${env[@]}" "$JAVA" -cp "$CP" dev.nightbench.cli.Main runs > /dev/null 2>&1)
      pids=()
      for w in $(seq 1 "$mode"); do
        (cd "$W" && exec env "${env[@]}" NIGHTBENCH_WORKER_HOST="worker-$w" "$JAVA" -cp "$CP" dev.nightbench.cli.Main \
          worker > "$W/$db-worker-$w.log" 2>&1) &
        pids+=($!)
      done
      for w in $(seq 1 "$mode"); do
        until grep -q "consuming measure partitions" "$W/$db-worker-$w.log"; do sleep 0.5; done
      done
    fi
    before=$(cut -d' ' -f1 /proc/loadavg)
    t0=$(date +%s.%N)
    set +e
    (cd "$W" && env "${env[@]}" "$JAVA" -cp "$CP" dev.nightbench.cli.Main run --plan "$W/$name.yaml" \
      --run-date "2001-01-0$r" > "$W/$db-manager.log" 2>&1)
    code=$?
    set -e
    t1=$(date +%s.%N)
    after=$(cut -d' ' -f1 /proc/loadavg)
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    pids=()
    read -r measure < <(sql "$db" "SELECT round(extract(epoch FROM end_time - start_time)::numeric, 2)
      FROM batch_step_execution WHERE step_name IN ('measure', 'measurePartitioned')")
    read -r psum pmax parts < <(sql "$db" "SELECT coalesce(round(sum(extract(epoch FROM end_time - start_time))::numeric, 2), 0),
      coalesce(round(max(extract(epoch FROM end_time - start_time))::numeric, 2), 0), count(*)
      FROM batch_step_execution WHERE step_name LIKE 'measurePartition:%'")
    if [ "$mode" = serial ]; then overhead="-"; else
      overhead=$(echo "scale=0; ($measure - $psum / $mode) * 1000 / ($parts / $mode)" | bc); fi
    printf "%-8s %6.1f  %9s  %10s  %10s  %16s  %4s  %11s  %10s\n" "$mode" "$(echo "$t1 - $t0" | bc)" "$measure" "$psum" \
      "$pmax" "$overhead" "$code" "$before" "$after"
    sql postgres "DROP DATABASE $db" > /dev/null
  done
done
