#!/usr/bin/env bash
# What a long-lived Nightbench process (serve, running its gguf plans night after night) keeps in memory: GgufMemoryProbe
# opens a gguf client, loads the model, gets one short answer and closes the client, CYCLES times, as each run does,
# and prints the resident set size after the first cycle and after the last. Then the same cycles on llama.cpp's Java
# binding alone (new LlamaModel ... close()), which is what every run did before models stayed loaded (LoadedModels).
# Exit 0 when the client's memory stayed flat (under 1 MB per cycle), 1 when it grew, 2 when something is missing.
# Env: MODELS_DIR (default ../shared/models beside the project), MODEL (default stories260K.gguf), CYCLES (default 30),
# CONTEXT (default 2048), JAVA. Figures: bench/README.md, "In-process GGUF in a long-lived process".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
say() { echo "memory.sh: $*" >&2; }
die() { say "$1"; exit "${2:-2}"; }

source "$root/bench/lib/java.sh"
source "$root/bench/lib/llama.sh"
nightbench_models_dir "$root"
nightbench_find_java
[[ -n "$JAVA" ]] || die "no JDK 21+ found; set JAVA"
model="$models_dir/${MODEL:-stories260K.gguf}"
[[ -r "$model" ]] || die "no model at $model"

(cd "$root" && ./mvnw -q -B -o test-compile && { [[ -f target/bench-classpath.txt && target/bench-classpath.txt -nt pom.xml ]] \
  || ./mvnw -q -B -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt; }) \
  || die "could not build the test classes for the memory probe"

probe() {
  (cd "$root" && "$JAVA" --enable-native-access=ALL-UNNAMED \
    -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
    dev.nightbench.client.gguf.GgufMemoryProbe "$1" "$model" "${CYCLES:-30}" "${CONTEXT:-2048}") 2>/dev/null | tail -1
}
client=$(probe client)
binding=$(probe binding)
echo "$client"
echo "$binding"
echo "$(nproc) cores; $("$JAVA" -version 2>&1 | head -1)"
growth=$(sed -nE 's/.*, ([+-][0-9.]+) MB per cycle.*/\1/p' <<<"$client")
[[ -n "$growth" ]] || die "the probe printed no figure: $client"
awk -v g="$growth" 'BEGIN { exit !(g < 1.0) }' || die "the gguf client's memory grew by $growth MB per cycle" 1
say "the gguf client's memory stayed flat ($growth MB per cycle)"
