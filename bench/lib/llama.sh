# Sourced by the bench scripts (bash) that run a genuine llama.cpp: the shared models, a cached llama-server build,
# free ports and Nightbench's embedded database. Each function reports with `say` and stops with `die` (the caller's).

# Sets models_dir: MODELS_DIR when given, else ../shared/models beside the project ($1: the project root); in a git
# worktree the main checkout's parent is tried too.
nightbench_models_dir() {
  models_dir=${MODELS_DIR:-}
  if [[ -z "$models_dir" ]]; then
    local candidate
    for candidate in "$1/../shared/models" \
        "$(cd "$1" && dirname "$(git rev-parse --path-format=absolute --git-common-dir 2>/dev/null || echo /nonexistent/.git)")/../shared/models"; do
      [[ -d "$candidate" ]] && { models_dir=$(cd "$candidate" && pwd); break; }
    done
  fi
  [[ -n "$models_dir" ]] || die "no models directory: ../shared/models beside the project is missing; set MODELS_DIR"
}

# Sets server_bin (and commit, nlc_version, llama_tag): llama-server built once per node-llama-cpp version and llama.cpp
# commit from the source that the npm package node-llama-cpp ships (node_modules/node-llama-cpp/llama/gitRelease.bundle
# in $1, bench/real-model), outside the project, then reused. First build: 10-20 minutes on 2 cores.
nightbench_llama_server() {
  local npm_dir=$1
  for tool in node npm cmake git; do
    command -v "$tool" >/dev/null || die "$tool is needed to build llama-server"
  done
  if [[ ! -f "$npm_dir/node_modules/node-llama-cpp/llama/gitRelease.bundle" ]]; then
    say "installing node-llama-cpp from the npm registry"
    (cd "$npm_dir" && NODE_LLAMA_CPP_SKIP_DOWNLOAD=true npm install --omit=optional --ignore-scripts --no-audit --no-fund --no-save)
  fi
  local bundle="$npm_dir/node_modules/node-llama-cpp/llama/gitRelease.bundle"
  [[ -f "$bundle" ]] || die "node-llama-cpp ships no llama.cpp source at $bundle"
  nlc_version=$(node -p 'require(process.argv[1]).version' "$npm_dir/node_modules/node-llama-cpp/package.json")
  llama_tag=$(node -p 'require(process.argv[1]).tag' "$npm_dir/node_modules/node-llama-cpp/llama/llama.cpp.info.json")
  commit=$(git bundle list-heads "$bundle" | awk '$2 == "HEAD" {print substr($1, 1, 7)}')
  [[ -n "$commit" ]] || die "cannot read the llama.cpp commit from $bundle"
  local cache="${LLAMA_SERVER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nightbench}/llama-server-$nlc_version-$commit"
  server_bin="$cache/build/bin/llama-server"
  if [[ ! -x "$server_bin" ]]; then
    mkdir -p "$cache"
    exec 9>"$cache.lock"
    flock 9   # another run building the same version: wait for it
    if [[ ! -x "$server_bin" ]]; then
      say "building llama-server from llama.cpp $commit (node-llama-cpp $nlc_version, tag $llama_tag) in $cache"
      say "this takes 10-20 minutes on 2 cores; the log is $cache/build.log"
      rm -rf "$cache/src" "$cache/build"
      git clone -q "$bundle" "$cache/src" 2>/dev/null
      local started=$SECONDS
      # No curl/OpenSSL (models are local files), no web UI (its prebuilt assets would be downloaded), static libs
      # so the binary runs from the cache on its own, -march=native (GGML_NATIVE) as the local machine allows.
      cmake -S "$cache/src" -B "$cache/build" -DCMAKE_BUILD_TYPE=Release -DGGML_NATIVE=ON -DBUILD_SHARED_LIBS=OFF \
        -DLLAMA_OPENSSL=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_UI=OFF \
        -DLLAMA_USE_PREBUILT_UI=OFF > "$cache/build.log" 2>&1 || { tail -30 "$cache/build.log" >&2; exit 2; }
      nice -n 5 cmake --build "$cache/build" --target llama-server -j "${BUILD_JOBS:-$(nproc)}" >> "$cache/build.log" 2>&1 \
        || { tail -30 "$cache/build.log" >&2; exit 2; }
      say "built $server_bin in $(( (SECONDS - started) / 60 )) min $(( (SECONDS - started) % 60 )) s"
    fi
    flock -u 9
  fi
}

# A free TCP port on 127.0.0.1.
nightbench_free_port() {
  node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'
}

# Starts Nightbench's embedded database in $1 (a work dir) on port $2, held open by `nightbench db` so that psql can
# read it after the run; sets db_pid and exports NIGHTBENCH_DB_DIR/PORT and NIGHTBENCH_REPORTS_DIR ($1/reports).
# Needs JAVA and jar. Defines sql: psql on that database.
nightbench_start_db() {
  export NIGHTBENCH_DB_DIR="$1/pgdata" NIGHTBENCH_DB_PORT="$2" NIGHTBENCH_REPORTS_DIR="$1/reports"
  unset NIGHTBENCH_DB_URL SPRING_DATASOURCE_URL
  "$JAVA" -jar "$jar" db > "$1/db.log" 2>&1 &
  db_pid=$!
  for _ in $(seq 1 240); do
    grep -q 'psql:' "$1/db.log" && break
    kill -0 "$db_pid" 2>/dev/null || { cat "$1/db.log" >&2; die "the embedded database did not start"; }
    sleep 0.5
  done
  grep -q 'psql:' "$1/db.log" || die "the embedded database did not start in 2 minutes"
  sql() { psql -X -q -h 127.0.0.1 -p "$NIGHTBENCH_DB_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"; }
}

# Starts llama-server ($server_bin) with model file $1 as alias $2 on port $3, logging to $4; extra arguments after
# them. Sets started_pid and waits for /health (1 minute).
nightbench_start_llama_server() {
  local model=$1 alias=$2 port=$3 log=$4
  shift 4
  "$server_bin" -m "$model" --alias "$alias" --host 127.0.0.1 --port "$port" "$@" > "$log" 2>&1 &
  started_pid=$!
  local url="http://127.0.0.1:$port"
  for _ in $(seq 1 240); do
    [[ "$(curl -s -o /dev/null -w '%{http_code}' "$url/health")" == 200 ]] && return 0
    kill -0 "$started_pid" 2>/dev/null || { tail -30 "$log" >&2; die "llama-server exited"; }
    sleep 0.25
  done
  die "llama-server did not come up at $url"
}
