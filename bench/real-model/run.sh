#!/usr/bin/env bash
# Opt-in check: Nightbench against REAL inference (llama.cpp via node-llama-cpp, CPU) on a tiny GGUF model.
# Needs node >= 20 and npm (the npm registry only), a JDK 21+ and target/nightbench.jar (./mvnw -DskipTests package).
# Env: MODEL (default stories260K.gguf in ../shared/models beside the project, or MODELS_DIR),
#      MODEL_ID (default: file name without .gguf),
#      JAVA (default: java on PATH), THREADS (llama.cpp threads, default 1), STREAM (default true),
#      and Nightbench's own NIGHTBENCH_DB_*.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
models_dir=${MODELS_DIR:-}
if [[ -z "$models_dir" ]]; then
  # ../shared/models beside the project; in a git worktree, beside the main checkout too
  for candidate in "$root/../shared/models" \
      "$(cd "$root" && dirname "$(git rev-parse --path-format=absolute --git-common-dir 2>/dev/null || echo /nonexistent/.git)")/../shared/models"; do
    [[ -d "$candidate" ]] && { models_dir=$(cd "$candidate" && pwd); break; }
  done
fi
model=${MODEL:-${models_dir:-$root/../shared/models}/stories260K.gguf}
model_id=${MODEL_ID:-$(basename "$model" .gguf)}
java=${JAVA:-java}
jar="$root/target/nightbench.jar"
[[ -f "$jar" ]] || { echo "run.sh: $jar is missing: run ./mvnw -DskipTests package first" >&2; exit 2; }
[[ -f "$model" ]] || { echo "run.sh: no model at $model" >&2; exit 2; }

# node-llama-cpp and its prebuilt llama.cpp binary (@node-llama-cpp/linux-x64), from the npm registry only:
# --ignore-scripts skips its postinstall, and NODE_LLAMA_CPP_SKIP_DOWNLOAD forbids fetching/building llama.cpp.
# --omit=optional keeps the other platforms' and the CUDA/Vulkan binaries out. (`npm ci` refuses this lock file:
# npm leaves the platform-skipped optional packages out of it, so `npm install --no-save` with the lock is used.)
if [[ ! -d "$here/node_modules/node-llama-cpp" ]]; then
  (cd "$here" && NODE_LLAMA_CPP_SKIP_DOWNLOAD=true npm install --omit=optional --ignore-scripts --no-audit --no-fund --no-save)
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/nightbench-real-model.XXXXXX")
server_pid=
cleanup() { set +e; [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null; true; }
trap cleanup EXIT

NODE_LLAMA_CPP_SKIP_DOWNLOAD=true node "$here/openai-server.mjs" --model "$model" --id "$model_id" \
  --port 0 --threads "${THREADS:-1}" > "$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do
  grep -q '^listening ' "$work/server.log" && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.5
done
url=$(sed -n 's/^listening \([^ ]*\).*/\1/p' "$work/server.log")
[[ -n "$url" ]] || { echo "run.sh: the server did not start" >&2; cat "$work/server.log" >&2; exit 1; }
echo "run.sh: node-llama-cpp server at $url, model $model_id ($model)"

# The same plan as jobs/llama-cpp.yaml, pointed at this server: an ordinary base_url endpoint.
plan="$work/llama-cpp-node.yaml"
sed -e "s#^name: llama-cpp\$#name: llama-cpp-node#" \
    -e "s#base_url: .*#base_url: $url#" \
    -e "s#alias: stories260K#alias: $model_id#" \
    -e "s#stream: true#stream: ${STREAM:-true}#" \
    "$root/jobs/llama-cpp.yaml" > "$plan"
echo "run.sh: plan $plan"

cd "$root"
set +e
"$java" -jar "$jar" run --plan "$plan" --label "real-model node-llama-cpp $(node -p 'require(process.argv[1]).version' "$here/node_modules/node-llama-cpp/package.json")" | tee "$work/run.log"
status=${PIPESTATUS[0]}
set -e

report_dir=$(sed -n 's/^Report: //p' "$work/run.log" | tail -1)
if [[ -n "$report_dir" && -f "$report_dir/report.md" ]]; then
  echo; echo "run.sh: summary from $root/$report_dir/report.md"
  awk '/^## /{p = ($0 == "## Models")} p' "$report_dir/report.md"
  echo "run.sh: per-request rows in $report_dir/requests.csv, aggregates in $report_dir/summary.csv"
else
  echo "run.sh: no report found in the run's output" >&2
fi
echo "run.sh: nightbench exit code $status"
exit "$status"
