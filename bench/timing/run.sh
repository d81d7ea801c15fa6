#!/usr/bin/env bash
# Nightbench's timing benchmark in one command: builds what is missing, then runs the Java driver
# (src/test/java/dev/nightbench/bench/TimingBenchmark.java) on the test classpath. Prints a table of medians and
# exits 1 when a target is missed. See bench/README.md.
#
#   bench/timing/run.sh                     # every section, 3 runs each (about 6 minutes on 2 cores)
#   bench/timing/run.sh --quick             # shorter runs, for a smoke check
#   bench/timing/run.sh --sections a,b      # a subset: a (timing error), b (throughput), c (job overhead), cold
#   bench/timing/run.sh --repeat 5 --out bench/results.md
#
# Environment: JAVA (a JDK 21+ java; default: the newest under /usr/lib/jvm), MVN_OFFLINE=0 to let Maven download,
# BENCH_NICE (default -10: run at a higher priority when allowed, so a shared machine's other work does not decide
# the p99s; 0 to run at normal priority).
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v wrk >/dev/null; then
  echo "bench: wrk is needed for section (b): apt-get install -y wrk" >&2
  exit 2
fi

source bench/lib/java.sh
nightbench_find_java
[[ -n "$JAVA" ]] || { echo "bench: no JDK 21+ found; set JAVA" >&2; exit 2; }

MVN=(./mvnw -q -B)
[[ "${MVN_OFFLINE:-1}" == "1" ]] && MVN+=(-o)

# Build when a source, the POM or a migration is newer than the jar or the test classes.
newest_source=$(find src pom.xml db -type f -newer target/nightbench.jar 2>/dev/null | head -1 || true)
if [[ ! -f target/nightbench.jar || ! -d target/test-classes || -n "$newest_source" ]]; then
  echo "bench: building (./mvnw -DskipTests package)..." >&2
  "${MVN[@]}" -DskipTests package
fi
if [[ ! -f target/bench-classpath.txt || pom.xml -nt target/bench-classpath.txt ]]; then
  "${MVN[@]}" dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
fi

NICE=${BENCH_NICE:--10}
PRIORITY=()
if [[ "$NICE" != "0" ]] && nice -n "$NICE" true 2>/dev/null; then
  PRIORITY=(nice -n "$NICE")
else
  NICE=0
fi
exec "${PRIORITY[@]}" "$JAVA" -Xms512m -Dbench.nice="$NICE" -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  dev.nightbench.bench.TimingBenchmark "$@"
