#!/usr/bin/env bash
# The same GGUF file run in-process (Nightbench's `type: gguf`, llama.cpp through de.kherud:llama) and behind a genuine
# llama.cpp `llama-server` (an OpenAI-compatible server, `type: openai`), in one Nightbench run at temperature 0: do
# both write the same text with the same number of output tokens, and how do their decode rates compare?
# See README.md beside this file; the figures are in bench/README.md.
# Exit 0 when every answer pair had the same text and token count, 1 when one differed, 2 when something is missing.
#
# Needs: what bench/real-model/llama-server.sh needs (node/npm, cmake and a C/C++ compiler for the first build of
# llama-server, git, curl, psql, a JDK 21+). Env: MODELS_DIR (default ../shared/models beside the project), MODELS
# (file names in MODELS_DIR, default "stories260K.gguf llama-2-tiny-random.gguf"), THREADS (llama.cpp threads on both
# sides, default 2), ROUNDS (default 5), MAX_TOKENS (default 64), JAVA, KEEP=1 (keep the temp dir).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
say() { echo "crosscheck.sh: $*" >&2; }
die() { say "$1"; exit "${2:-2}"; }
command -v psql >/dev/null || die "psql is needed (apt-get install postgresql-client)"
command -v curl >/dev/null || die "curl is needed"

source "$root/bench/lib/java.sh"
source "$root/bench/lib/llama.sh"
nightbench_models_dir "$root"
nightbench_find_java
[[ -n "$JAVA" ]] || die "no JDK 21+ found; set JAVA"
nightbench_build_jar "$root"
nightbench_llama_server "$root/bench/real-model"

work=$(mktemp -d "${TMPDIR:-/tmp}/nightbench-gguf-crosscheck.XXXXXX")
pids=()
cleanup() {
  local status=$?
  set +e
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
  if [[ "${KEEP:-0}" == "1" ]]; then say "kept $work"; else rm -rf "$work"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

threads=${THREADS:-2}
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
nightbench_start_db "$work" "$(nightbench_free_port)"
pids+=("$db_pid")

# ---- one llama-server per model (one slot, the same context size and threads as the in-process side)
plan="$work/crosscheck.yaml"
endpoints="  - { name: inproc, type: gguf, settings: { threads: $threads, context_size: 2048, parallel: 1 } }"
models=""
for file in ${MODELS:-stories260K.gguf llama-2-tiny-random.gguf}; do
  path="$models_dir/$file"
  [[ -f "$path" ]] || die "no model at $path"
  id=$(basename "$file" .gguf | tr -c 'A-Za-z0-9_\n-' '-')
  port=$(nightbench_free_port)
  nightbench_start_llama_server "$path" "$id" "$port" "$work/server-$id.log" -c 2048 -t "$threads" -np 1
  pids+=("$started_pid")
  endpoints+=$'\n'"  - { name: server-$id, base_url: \"http://127.0.0.1:$port/v1\" }"
  models+=$'\n'"  - { alias: $id-inproc, endpoint: inproc, model: \"$path\" }"
  models+=$'\n'"  - { alias: $id-server, endpoint: server-$id, model: $id }"
done
binding=$(sed -n 's#.*<llama.version>\(.*\)</llama.version>.*#\1#p' "$root/pom.xml")
say "llama-server $("$server_bin" --version 2>&1 | grep -m1 version) against de.kherud:llama $binding in-process"
cat > "$plan" <<YAML
name: gguf-crosscheck
description: The same GGUF files in-process (type gguf) and behind llama-server (type openai), temperature 0.
endpoints:
$endpoints
models:$models
prompts:
  - { id: once, text: "Once upon a time, there was a little girl named Lily." }
  - { id: dog, text: "Tell me a story about a dog and a ball.", system: "You tell short stories for children." }
  - { id: sea, text: "Write about the sea." }
  - id: park
    messages:
      - { role: user, content: "Where did Tom go?" }
      - { role: assistant, content: "Tom went to the park." }
      - { role: user, content: "What did he see there?" }
run:
  warmup: 1
  rounds: ${ROUNDS:-5}
  max_tokens: ${MAX_TOKENS:-64}
  temperature: 0
  seed: 42
  stream: true
YAML

set +e
(cd "$work" && "$JAVA" -jar "$jar" run --plan "$plan" --label "gguf crosscheck, llama-server $commit") > "$work/run.log" 2>&1
nb_status=$?
set -e
[[ $nb_status -eq 0 ]] || { tail -40 "$work/run.log" >&2; die "nightbench exited with $nb_status" 1; }
run_id=$(sql -tA -c "SELECT max(run_id) FROM runs")
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

sql -v run_id="$run_id" <<'SQL' | tee "$work/crosscheck.txt"
\pset footer off
CREATE TEMP VIEW pairs AS
SELECT regexp_replace(i.model_alias, '-inproc$', '') AS model, i.prompt_id, i.round,
       i.text = s.text AS same_text, ri.output_tokens AS inproc_tokens, rs.output_tokens AS server_tokens,
       ri.decode_tps AS inproc_tps, rs.decode_tps AS server_tps, ri.ttft_ms AS inproc_ttft, rs.ttft_ms AS server_ttft,
       ri.prompt_tokens AS inproc_prompt, rs.prompt_tokens AS server_prompt, i.text AS inproc_text, s.text AS server_text
FROM measured_answers i
JOIN measured_answers s ON s.run_id = i.run_id AND s.prompt_id = i.prompt_id AND s.round = i.round
     AND s.model_alias = regexp_replace(i.model_alias, '-inproc$', '-server')
JOIN requests ri ON ri.request_id = i.request_id
JOIN requests rs ON rs.request_id = s.request_id
WHERE i.run_id = :run_id AND i.model_alias LIKE '%-inproc';
\echo 'Per model: answers paired by prompt and round (in-process vs llama-server)'
SELECT model, count(*) AS pairs, count(*) FILTER (WHERE same_text) AS "same text",
       count(*) FILTER (WHERE inproc_tokens = server_tokens) AS "same tokens",
       count(*) FILTER (WHERE inproc_prompt = server_prompt) AS "same prompt tokens",
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY inproc_tps)::numeric) AS "in-proc tok/s p50",
       round(percentile_cont(0.25) WITHIN GROUP (ORDER BY inproc_tps)::numeric) || '-'
           || round(percentile_cont(0.75) WITHIN GROUP (ORDER BY inproc_tps)::numeric) AS "p25-p75",
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY server_tps)::numeric) AS "server tok/s p50",
       round(percentile_cont(0.25) WITHIN GROUP (ORDER BY server_tps)::numeric) || '-'
           || round(percentile_cont(0.75) WITHIN GROUP (ORDER BY server_tps)::numeric) AS "p25-p75 ",
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY inproc_tps / nullif(server_tps, 0))::numeric, 2) AS "ratio p50",
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY inproc_ttft)::numeric, 2) AS "in-proc ttft ms",
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY server_ttft)::numeric, 2) AS "server ttft ms"
FROM pairs GROUP BY model ORDER BY model;
\echo
\echo 'Load time (in-process) and cold start (first warm-up TTFT)'
SELECT model_alias, round(load_ms::numeric, 1) AS load_ms, round(cold_start_ms::numeric, 1) AS cold_start_ms
FROM run_models WHERE run_id = :run_id ORDER BY ordinal;
\echo
\echo 'Pairs that differ (first 5)'
SELECT model, prompt_id, round, inproc_tokens, server_tokens, left(inproc_text, 60) AS inproc, left(server_text, 60) AS server
FROM pairs WHERE NOT same_text OR inproc_tokens IS DISTINCT FROM server_tokens ORDER BY model, prompt_id, round LIMIT 5;
SQL
differing=$(sql -tA -v run_id="$run_id" -c "
  SELECT count(*) FROM measured_answers i JOIN measured_answers s ON s.run_id = i.run_id AND s.prompt_id = i.prompt_id
    AND s.round = i.round AND s.model_alias = regexp_replace(i.model_alias, '-inproc\$', '-server')
  JOIN requests ri ON ri.request_id = i.request_id JOIN requests rs ON rs.request_id = s.request_id
  WHERE i.run_id = $run_id AND i.model_alias LIKE '%-inproc'
    AND (i.text <> s.text OR ri.output_tokens IS DISTINCT FROM rs.output_tokens)")
echo "host load (1/5/15 min) before: $load_before, after: $load_after; $(nproc) cores; threads $threads each side"

# ---- is the in-process rate the binding's own? Its iterator alone against the gguf client, alternated in one JVM.
if [[ "${PROBE:-1}" == "1" ]]; then
  (cd "$root" && ./mvnw -q -B -o test-compile && { [[ -f target/bench-classpath.txt && target/bench-classpath.txt -nt pom.xml ]] \
    || ./mvnw -q -B -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt; }) \
    || die "could not build the test classes for the decode probe"
  for file in ${MODELS:-stories260K.gguf llama-2-tiny-random.gguf}; do
    (cd "$root" && "$JAVA" --enable-native-access=ALL-UNNAMED \
      -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
      dev.nightbench.client.gguf.GgufDecodeProbe "$models_dir/$file" 40) 2>/dev/null | tail -1
  done
fi
[[ "$differing" == 0 ]] || die "$differing answer pairs differ in text or token count" 1
say "every pair had the same text and output token count"
