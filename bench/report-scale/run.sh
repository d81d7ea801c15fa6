#!/usr/bin/env bash
# Times a run's report with a year of nightly history: 365 runs x 20 models x 50 prompts x 5 rounds
# (about 1.8 M measured request rows). Builds the history with generate_series, writes the newest run's report
# several times and prints the median (see src/test/java/dev/nightbench/report/ReportScaleBenchmark.java).
#
#   bench/report-scale/run.sh                                   # the embedded PostgreSQL the tests use
#   BENCH_DB_URL=jdbc:postgresql://127.0.0.1:5432/test bench/report-scale/run.sh
#                                                               # a server of yours (user postgres, trust auth): a
#                                                               # scratch database is created there and dropped
# Smaller or larger: BENCH_ARGS="-Dbench.runs=30 -Dbench.repeats=3" bench/report-scale/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

./mvnw -q -B test -Dtest=ReportScaleBenchmark -Dgroups=bench -DexcludedGroups=none \
  -Dsurefire.failIfNoSpecifiedTests=false ${BENCH_DB_URL:+-Dbench.db.url=$BENCH_DB_URL} ${BENCH_ARGS:-} \
  || { cat target/bench/report-scale.txt 2>/dev/null; exit 1; }
cat target/bench/report-scale.txt
