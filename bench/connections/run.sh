#!/usr/bin/env bash
# What run.connection costs in TTFT on loopback: keep_alive against close, one request at a time, through the real
# client (src/test/java/dev/nightbench/bench/ConnectionCost.java). Prints the host load beside the figures.
#
#   bench/connections/run.sh [requests per policy (200)] [blocks (4)] [warm-up requests per policy (300)]
#
# Environment: JAVA (a JDK 21+ java; default: the newest under /usr/lib/jvm), MVN_OFFLINE=0 to let Maven download.
set -euo pipefail
cd "$(dirname "$0")/../.."

source bench/lib/java.sh
nightbench_find_java
[[ -n "$JAVA" ]] || { echo "bench: no JDK 21+ found; set JAVA" >&2; exit 2; }

MVN=(./mvnw -q -B)
[[ "${MVN_OFFLINE:-1}" == "1" ]] && MVN+=(-o)
if [[ ! -d target/test-classes || -n "$(find src -newer target/test-classes -name '*.java' 2>/dev/null | head -1)" ]]; then
  "${MVN[@]}" test-compile
fi
if [[ ! -f target/bench-classpath.txt || pom.xml -nt target/bench-classpath.txt ]]; then
  "${MVN[@]}" dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
fi
exec "$JAVA" -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  dev.nightbench.bench.ConnectionCost "$@"
