#!/usr/bin/env bash
# Times serve's Prometheus metrics refresh on a long history: 1,000 runs x 10,000 measured requests (10 M rows in
# requests) and 8 step executions a run (src/test/java/dev/nightbench/monitoring/MetricsScaleBenchmark.java).
#
#   bench/metrics-scale/run.sh                                  # the embedded PostgreSQL the tests use
#   BENCH_DB_URL=jdbc:postgresql://127.0.0.1:5432/test bench/metrics-scale/run.sh
#                                                               # a server of yours (user postgres, trust auth): a
#                                                               # scratch database is created there and dropped
# Smaller: BENCH_ARGS="-Dbench.runs=100 -Dbench.requests=1000" bench/metrics-scale/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

./mvnw -q -B test -Dtest=MetricsScaleBenchmark -Dgroups=bench -DexcludedGroups=none \
  -Dsurefire.failIfNoSpecifiedTests=false ${BENCH_DB_URL:+-Dbench.db.url=$BENCH_DB_URL} ${BENCH_ARGS:-} \
  || { cat target/bench/metrics-scale.txt 2>/dev/null; exit 1; }
cat target/bench/metrics-scale.txt
