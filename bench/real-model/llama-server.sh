#!/usr/bin/env bash
# Nightbench against a genuine llama.cpp `llama-server`, compared per request with the server's own figures.
#
# Builds llama-server (once, cached) from the llama.cpp source that the npm package node-llama-cpp ships
# (node_modules/node-llama-cpp/llama/gitRelease.bundle), starts it on 127.0.0.1 with stories260K.gguf from
# ../shared/models, runs Nightbench on a copy of jobs/llama-cpp.yaml (latency rounds, then load at concurrency
# 1 and 4), and checks Nightbench's rows against the server's per-request timings: see README.md beside this file.
# Exit 0 when every check passed, 1 when one failed, 2 when something needed is missing.
#
# Needs: node >= 20 and npm (the npm registry), cmake >= 3.14 and a C/C++ compiler (first run: builds llama-server,
# 10-20 min on 2 cores), git, curl, psql (PostgreSQL client, to read Nightbench's database), a JDK 21+.
# Env: MODELS_DIR (default: ../shared/models beside the project), MODEL (file name in MODELS_DIR, default
#      stories260K.gguf), JAVA (default: the newest JDK 21+ under /usr/lib/jvm), THREADS (llama.cpp threads, default
#      2), PARALLEL (server slots, default 4), LLAMA_PORT and NIGHTBENCH_DB_PORT (default: free ports),
#      LLAMA_SERVER_CACHE (default ~/.cache/nightbench), BUILD_JOBS (default: nproc), REQUESTS (per load level,
#      default 12), KEEP=1 (keep the temp dir with the logs, the database and the report).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
say() { echo "llama-server.sh: $*" >&2; }
die() { say "$1"; exit "${2:-2}"; }

for tool in node npm cmake git curl psql; do
  command -v "$tool" >/dev/null || die "$tool is needed (psql: apt-get install postgresql-client)"
done

# ---- the models: ../shared/models beside the project (or MODELS_DIR)
source "$root/bench/lib/java.sh"
source "$root/bench/lib/llama.sh"
nightbench_models_dir "$root"
model="$models_dir/${MODEL:-stories260K.gguf}"
[[ -f "$model" ]] || die "no model at $model"
model_id=$(basename "$model" .gguf)

# ---- Java and the Nightbench jar
nightbench_find_java
[[ -n "$JAVA" ]] || die "no JDK 21+ found; set JAVA"
nightbench_build_jar "$root"   # (re)built when older than the sources

# ---- llama-server built once from the llama.cpp source node-llama-cpp ships (bench/lib/llama.sh), then reused
nightbench_llama_server "$here"

# ---- temp dir, processes, cleanup
work=$(mktemp -d "${TMPDIR:-/tmp}/nightbench-llama-server.XXXXXX")
server_pid=
db_pid=
cleanup() {
  local status=$?
  set +e   # `wait` on a process stopped by SIGTERM returns 143: that must not become the script's exit code
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  [[ -n "$db_pid" ]] && kill "$db_pid" 2>/dev/null && wait "$db_pid" 2>/dev/null
  if [[ "${KEEP:-0}" == "1" ]]; then say "kept $work"; else rm -rf "$work"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

llama_port=${LLAMA_PORT:-$(nightbench_free_port)}
db_port=${NIGHTBENCH_DB_PORT:-$(nightbench_free_port)}
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- Nightbench's embedded database, held open by `nightbench db` so that psql can read it after the run.
nightbench_start_db "$work" "$db_port"

# ---- llama-server on loopback. Its log has, for every completion task, the same figures as the `timings`
# object of that task's final streamed chunk (print_timings in tools/server/server-context.cpp).
nightbench_start_llama_server "$model" "$model_id" "$llama_port" "$work/server.log" -c 2048 -t "${THREADS:-2}" \
  -np "${PARALLEL:-4}" --metrics
server_pid=$started_pid
url="http://127.0.0.1:$llama_port"
say "llama-server ($("$server_bin" --version 2>&1 | grep -m1 version)) at $url, model $model_id ($model)"

# The server's per-task figures from its log: task, prompt_ms, prompt_n, predicted_ms, predicted_n, predicted/s.
server_timings() {
  awk '/print_timing: / && / prompt eval time = / {
         match($0, /task [0-9]+/); t = substr($0, RSTART + 5, RLENGTH - 5)
         sub(/.*prompt eval time = */, ""); pm[t] = $1; pn[t] = $4; order[++n] = t }
       /print_timing: / && /  eval time = / && !/prompt eval/ {
         match($0, /task [0-9]+/); t = substr($0, RSTART + 5, RLENGTH - 5)
         sub(/.*eval time = */, ""); gm[t] = $1; gn[t] = $4; split($0, a, ","); g = a[2]; sub(/^ */, "", g); sub(/ .*/, "", g); gs[t] = g }
       END { for (i = 1; i <= n; i++) { t = order[i]; if (t in gm) printf "%s\t%s\t%s\t%s\t%s\t%s\n", t, pm[t], pn[t], gm[t], gn[t], gs[t] } }' \
    "$work/server.log"
}
wait_for_tasks() {   # the log is written by a background thread: wait until it holds $1 tasks, at most 5 s
  for _ in $(seq 1 50); do [[ $(server_timings | wc -l) -ge $1 ]] && return 0; sleep 0.1; done
  return 1
}

# ---- self-check: one streamed request by curl. Its final chunk's `timings` must equal the log's line for it,
# which is what makes the log a faithful copy of the server's per-request figures.
curl -sN "$url/v1/chat/completions" -H 'Content-Type: application/json' \
  -d "{\"model\":\"$model_id\",\"messages\":[{\"role\":\"user\",\"content\":\"Once upon a time\"}],\"max_tokens\":32,\"temperature\":0,\"seed\":42,\"stream\":true,\"stream_options\":{\"include_usage\":true}}" \
  > "$work/selfcheck.sse"
wait_for_tasks 1 || die "llama-server logged no timings for the self-check request (log format changed?)"
self_chunk=$(grep '"timings"' "$work/selfcheck.sse" | tail -1 | sed 's/^data: //')
read -r _ _ _ self_log_ms self_log_n self_log_tps < <(server_timings | tail -1)
self_json_ms=$(node -p 'JSON.parse(process.argv[1]).timings.predicted_ms.toFixed(2)' "$self_chunk")
self_json_n=$(node -p 'JSON.parse(process.argv[1]).timings.predicted_n' "$self_chunk")
self_json_tps=$(node -p 'JSON.parse(process.argv[1]).timings.predicted_per_second.toFixed(2)' "$self_chunk")
if [[ "$self_json_ms" != "$self_log_ms" || "$self_json_n" != "$self_log_n" || "$self_json_tps" != "$self_log_tps" ]]; then
  die "the server's log ($self_log_n tokens, $self_log_ms ms, $self_log_tps tok/s) differs from the timings of the same request ($self_json_n, $self_json_ms, $self_json_tps)" 1
fi
say "self-check: the log's figures equal the streamed timings object ($self_json_n tokens, $self_json_ms ms, $self_json_tps tok/s)"
tasks_before=$(server_timings | wc -l)

# ---- Nightbench on the plan of jobs/llama-cpp.yaml, pointed at this server, with a load section at 1 and 4.
plan="$work/llama-server.yaml"
sed -e "s#^name: llama-cpp\$#name: llama-server-check#" \
    -e "s#base_url: .*#base_url: $url/v1#" \
    -e "s#alias: stories260K#alias: $model_id#" \
    -e "s#^  concurrency: .*#  concurrency: [1, 4]#" \
    -e "s#^  requests: .*#  requests: ${REQUESTS:-12}#" \
    "$root/jobs/llama-cpp.yaml" > "$plan"
grep -q 'concurrency: \[1, 4\]' "$plan" || die "could not adapt jobs/llama-cpp.yaml (its load section changed?)"
set +e
(cd "$work" && "$JAVA" -jar "$jar" run --plan "$plan" --label "llama-server $commit (node-llama-cpp $nlc_version)") \
  > "$work/run.log" 2>&1
nb_status=$?
set -e
grep -E '^(Run |Report|  )' "$work/run.log" | head -40 >&2 || true
[[ $nb_status -eq 0 ]] || say "nightbench exited with $nb_status (see the checks below)"
run_id=$(sql -tA -c "SELECT max(run_id) FROM runs")
[[ -n "$run_id" ]] || { tail -40 "$work/run.log" >&2; die "no run in the database" 1; }
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- join: Nightbench's attempts that reached the server (status ok), in send order, with the server's
# completion tasks in task order (tasks are numbered as the server receives the requests).
ok_rows=$(sql -tA -c "SELECT count(*) FROM requests WHERE run_id = $run_id AND status = 'ok'")
wait_for_tasks $((tasks_before + ok_rows)) || true
server_timings | tail -n +$((tasks_before + 1)) > "$work/server-timings.tsv"
has_reconnects=$(sql -tA -c "SELECT count(*) FROM information_schema.columns WHERE table_name = 'requests' AND column_name = 'reconnects'")
reconnects_expr=$([[ "$has_reconnects" == 1 ]] && echo "coalesce(r.reconnects, 0)" || echo "NULL::int")

sql -v run_id="$run_id" <<SQL > "$work/checks.txt"
CREATE TEMP TABLE server_task (task int, prompt_ms float8, prompt_n int, predicted_ms float8, predicted_n int,
                               predicted_per_second float8);
\copy server_task FROM '$work/server-timings.tsv'
CREATE TEMP VIEW pairs AS
WITH nb AS (SELECT r.*, $reconnects_expr AS reconnects_, row_number() OVER (ORDER BY r.started_at, r.request_id) AS n
            FROM requests r WHERE r.run_id = :run_id AND r.status = 'ok'),
     sv AS (SELECT s.*, row_number() OVER (ORDER BY s.task) AS n FROM server_task s)
SELECT nb.*, sv.task, sv.prompt_ms, sv.prompt_n, sv.predicted_ms, sv.predicted_n, sv.predicted_per_second
FROM nb FULL JOIN sv USING (n);
\pset footer off
\echo
\echo 'Per request: Nightbench (nb) against llama-server (srv), paired in send order'
SELECT n AS "#", phase, CASE WHEN load_mode = 'serial' THEN 'serial' ELSE 'c=' || load_level END AS level,
       prompt_id AS prompt, attempt, round(ttft_ms::numeric, 1) AS "nb ttft ms", round(e2e_ms::numeric, 1) AS "nb e2e ms",
       round((prompt_ms + predicted_ms)::numeric, 1) AS "srv ms", output_tokens AS "nb out", predicted_n AS "srv out",
       round(decode_tps::numeric) AS "nb tok/s", round(predicted_per_second::numeric) AS "srv tok/s",
       round((100 * (decode_tps / nullif(predicted_per_second, 0) - 1))::numeric, 1) AS "diff %", task AS "srv task"
FROM pairs ORDER BY n;
\pset tuples_only on
\pset format unaligned
\pset fieldsep '\t'
\echo '---checks'
SELECT 'attempts', count(*), count(*) FILTER (WHERE attempt > 1), count(*) FILTER (WHERE status <> 'ok'),
       coalesce(sum($reconnects_expr), -1), count(*) FILTER (WHERE is_final AND status = 'ok')
FROM requests r WHERE run_id = :run_id;
SELECT 'errors', coalesce(string_agg(DISTINCT coalesce(error_type, status) || ': ' || left(coalesce(error_message, ''), 80), ' | '), '')
FROM requests WHERE run_id = :run_id AND status <> 'ok';
SELECT 'pairs', count(*) FILTER (WHERE request_id IS NOT NULL), count(*) FILTER (WHERE task IS NOT NULL),
       count(*) FILTER (WHERE output_tokens IS DISTINCT FROM predicted_n),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY decode_tps) FILTER (WHERE phase = 'measure'),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY predicted_per_second) FILTER (WHERE phase = 'measure'),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY decode_tps / nullif(predicted_per_second, 0)) FILTER (WHERE phase = 'measure')
FROM pairs;
SELECT 'c1', p.ok_requests, p.wall_ms, 1000.0 * p.ok_requests / nullif(p.wall_ms, 0),
       (SELECT avg(prompt_ms + predicted_ms) FROM pairs WHERE load_mode = 'concurrency' AND load_level = 1)
FROM load_phases p WHERE p.run_id = :run_id AND p.load_mode = 'concurrency' AND p.load_level = 1;
SQL
sed '/^---checks$/,$d' "$work/checks.txt"
checks() { sed -n '/^---checks$/,$p' "$work/checks.txt" | grep "^$1	" | cut -f2-; }

IFS=$'\t' read -r attempts retried not_ok reconnects final_ok <<< "$(checks attempts)"
errors=$(checks errors)
IFS=$'\t' read -r nb_n srv_n tokens_differ nb_tps srv_tps tps_ratio <<< "$(checks pairs)"
IFS=$'\t' read -r c1_ok c1_wall c1_rps srv_mean_ms <<< "$(checks c1)"

failed=0
row() {   # check, figure, verdict
  printf '| %-68s | %-62s | %-4s |\n' "$1" "$2" "$3"
  [[ "$3" == "ok" ]] || failed=1
}
echo
echo "Checks (run $run_id; load average $load_before before, $load_after after; $(nproc) cores)"
printf '| %-68s | %-62s | %-4s |\n' check figure met
printf '|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..70})" "$(printf -- '-%.0s' {1..64})" "------"
recon_text=$([[ "$reconnects" == -1 ]] && echo "no reconnects column" || echo "$reconnects reconnects")
row "0 failed or retried attempts (connection reuse)" \
    "$attempts attempts: $retried retries, $not_ok not ok; $recon_text" \
    "$([[ "$retried" == 0 && "$not_ok" == 0 ]] && echo ok || echo FAIL)"
[[ -n "$errors" ]] && echo "|   errors: $errors"
row "server completions = Nightbench attempts answered ok" "$srv_n server tasks, $nb_n ok attempts" \
    "$([[ "$srv_n" == "$nb_n" ]] && echo ok || echo FAIL)"
row "output tokens = server's predicted_n on every request" "$tokens_differ of $nb_n differ" \
    "$([[ "$tokens_differ" == 0 && "$nb_n" -gt 0 ]] && echo ok || echo FAIL)"
row "decode tok/s within 10 % of predicted_per_second (median, measured)" \
    "$(printf 'Nightbench %.0f, server %.0f tok/s; median ratio %.3f' "${nb_tps:-0}" "${srv_tps:-0}" "${tps_ratio:-0}")" \
    "$(awk -v r="${tps_ratio:-0}" 'BEGIN { print (r >= 0.9 && r <= 1.1) ? "ok" : "FAIL" }')"
if [[ -n "$c1_rps" && -n "$srv_mean_ms" ]]; then
  row "load c=1 throughput within 20 % of 1 ÷ server time" \
      "$(printf '%.1f req/s (%s ok in %.0f ms); 1000 ÷ %.1f ms = %.1f req/s' "$c1_rps" "$c1_ok" "$c1_wall" "$srv_mean_ms" "$(awk -v m="$srv_mean_ms" 'BEGIN { print 1000 / m }')")" \
      "$(awk -v r="$c1_rps" -v m="$srv_mean_ms" 'BEGIN { e = 1000 / m; print (r >= 0.8 * e && r <= 1.2 * e) ? "ok" : "FAIL" }')"
else
  row "load c=1 throughput within 20 % of 1 ÷ server time" "no concurrency-1 level or no paired rows" FAIL
fi
echo
echo "Nightbench exit code $nb_status; report and logs: $([[ "${KEEP:-0}" == 1 ]] && echo "$work" || echo "removed (KEEP=1 keeps them)")"
exit "$failed"
