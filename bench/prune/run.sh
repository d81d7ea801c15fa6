#!/usr/bin/env bash
# Retention on a large history: 1,000 nightly runs x 10,000 requests (10 M request rows, 2 M answers, telemetry and
# summaries) built with generate_series through the real Flyway schema, then `prune --older-than 180d
# --keep-summaries` timed (Retention, batches of 10,000), table sizes before/after, after VACUUM and VACUUM FULL, and
# DROP of monthly partitions against DELETE on a partitioned copy (see src/test/java/dev/nightbench/store/PruneBenchmark.java).
#
#   bench/prune/run.sh                                          # the embedded PostgreSQL the tests use
#   BENCH_DB_URL=jdbc:postgresql://127.0.0.1:5432/test bench/prune/run.sh
#                                                               # a server of yours (user postgres, trust auth): a
#                                                               # scratch database is created there and dropped
# Smaller: BENCH_ARGS="-Dbench.runs=100 -Dbench.partitions=false" bench/prune/run.sh
# Needs about 8 GB of free disk at the default size (the partitioned copy doubles the requests for a while).
set -euo pipefail
cd "$(dirname "$0")/../.."

./mvnw -q -B -o test -Dtest=PruneBenchmark -Dgroups=bench -DexcludedGroups=none \
  -Dsurefire.failIfNoSpecifiedTests=false ${BENCH_DB_URL:+-Dbench.db.url=$BENCH_DB_URL} ${BENCH_ARGS:-} \
  || { cat target/bench/prune.txt 2>/dev/null; exit 1; }
cat target/bench/prune.txt
