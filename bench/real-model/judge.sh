#!/usr/bin/env bash
# The judge path once against a genuine llama.cpp `llama-server`: bench/real-model/judge-plan.yaml (stories260K
# answers three prompts, then judges its own answers), then what the judge said, from Nightbench's database:
# judge_outcomes, a few raw verdicts with their status and reason, and the scores that did parse.
# Needs the llama-server that llama-server.sh builds (run that first; it caches the binary), psql, a JDK 21+.
# Env: MODELS_DIR, JAVA, LLAMA_SERVER_CACHE, KEEP=1 as in llama-server.sh. Exit 0 when the run finished and every
# measured answer has a verdict row (whatever its status), 1 otherwise, 2 when something needed is missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
say() { echo "judge.sh: $*" >&2; }
die() { say "$1"; exit "${2:-2}"; }
command -v psql >/dev/null || die "psql is needed (apt-get install postgresql-client)"
models_dir=${MODELS_DIR:-$root/../shared/models}
[[ -f "$models_dir/stories260K.gguf" ]] || die "no $models_dir/stories260K.gguf; set MODELS_DIR"
server_bin=$(ls -d "${LLAMA_SERVER_CACHE:-$HOME/.cache/nightbench}"/llama-server-*/build/bin/llama-server 2>/dev/null | tail -1)
[[ -x "$server_bin" ]] || die "no llama-server built; run bench/real-model/llama-server.sh once first"
source "$root/bench/lib/java.sh"
nightbench_find_java
[[ -n "$JAVA" ]] || die "no JDK 21+ found; set JAVA"
nightbench_build_jar "$root"

work=$(mktemp -d "${TMPDIR:-/tmp}/nightbench-judge.XXXXXX")
server_pid= db_pid=
cleanup() {
  local status=$?
  set +e
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  [[ -n "$db_pid" ]] && kill "$db_pid" 2>/dev/null && wait "$db_pid" 2>/dev/null
  if [[ "${KEEP:-0}" == "1" ]]; then say "kept $work"; else rm -rf "$work"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
llama_port=$(free_port); db_port=$(free_port)

export NIGHTBENCH_DB_DIR="$work/pgdata" NIGHTBENCH_DB_PORT="$db_port" NIGHTBENCH_REPORTS_DIR="$work/reports"
unset NIGHTBENCH_DB_URL SPRING_DATASOURCE_URL
"$JAVA" -jar "$jar" db > "$work/db.log" 2>&1 &
db_pid=$!
for _ in $(seq 1 240); do grep -q 'psql:' "$work/db.log" && break; sleep 0.5; done
grep -q 'psql:' "$work/db.log" || { cat "$work/db.log" >&2; die "the embedded database did not start"; }
sql() { psql -X -q -h 127.0.0.1 -p "$db_port" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"; }

"$server_bin" -m "$models_dir/stories260K.gguf" --alias stories260K --host 127.0.0.1 --port "$llama_port" -c 2048 \
  -t 2 -np 1 > "$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 240); do
  [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$llama_port/health")" == 200 ]] && break; sleep 0.25
done
say "llama-server at http://127.0.0.1:$llama_port ($("$server_bin" --version 2>&1 | grep -m1 version)); load $(cut -d' ' -f1-3 /proc/loadavg)"

sed "s#base_url: .*#base_url: http://127.0.0.1:$llama_port/v1#" "$here/judge-plan.yaml" > "$work/plan.yaml"
set +e
(cd "$work" && "$JAVA" -jar "$jar" run --plan "$work/plan.yaml" --label "judge on llama-server") > "$work/run.log" 2>&1
status=$?
set -e
grep -E '^(Run |Judge|Report)' "$work/run.log" >&2 || true
say "nightbench exited with $status"
run_id=$(sql -tA -c "SELECT max(run_id) FROM runs")
echo "## judge_outcomes"
sql -c "SELECT model_alias, judged, ok, unparseable, failed, round(judge_latency_p50_ms::numeric, 1) AS p50_ms FROM judge_outcomes WHERE run_id = $run_id"
echo "## verdicts (status, reason, the raw verdict's start)"
sql -c "SELECT r.prompt_id, r.round, v.status, left(v.reason, 70) AS reason, left(regexp_replace(v.verdict, '\s+', ' ', 'g'), 80) AS verdict
        FROM judge_verdicts v JOIN requests r USING (request_id) WHERE v.run_id = $run_id ORDER BY r.prompt_id, r.round"
echo "## scores that parsed"
sql -c "SELECT model_alias, criterion, n, round(mean::numeric, 2) AS mean FROM model_scores WHERE run_id = $run_id ORDER BY criterion"
missing=$(sql -tA -c "SELECT count(*) FROM measured_answers m WHERE m.run_id = $run_id AND m.load_mode = 'serial'
                      AND NOT EXISTS (SELECT 1 FROM judge_verdicts v WHERE v.request_id = m.request_id)")
[[ "$status" -eq 0 && "$missing" -eq 0 ]] || die "run exit $status, $missing measured answers without a verdict" 1
say "every measured answer has a verdict row"
