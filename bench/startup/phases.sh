#!/usr/bin/env bash
# Where a launch spends its time: runs one Nightbench command with the JVM's class-loading log (-Xlog:class+load with
# uptime) and prints when the first class of each phase was loaded, in seconds after the JVM started, and how many
# classes were loaded by then. A phase lasts until the next one starts.
#   bench/startup/phases.sh [LAUNCHER...] -- COMMAND [ARGS...]
#   e.g. bench/startup/phases.sh -- runs        (LAUNCHER defaults to: java -jar target/nightbench.jar)
#        bench/startup/phases.sh src/main/launcher/nightbench -- run --plan jobs/demo.yaml
# Use a throwaway database (NIGHTBENCH_DB_DIR, NIGHTBENCH_DB_PORT) as for any manual launch.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
launcher=()
while [[ $# -gt 0 && "$1" != "--" ]]; do launcher+=("$1"); shift; done
[[ $# -gt 0 ]] && shift
log="$(mktemp)"
if [[ ${#launcher[@]} -eq 0 ]]; then
  launcher=("$(NIGHTBENCH_WHICH_JAVA=1 "$root/src/main/launcher/nightbench")" -jar "$root/target/nightbench.jar")
  launcher=("${launcher[0]}" "-Xlog:class+load:file=$log:uptime" "${launcher[@]:1}")
else
  export NIGHTBENCH_JAVA_OPTS="-Xlog:class+load:file=$log:uptime ${NIGHTBENCH_JAVA_OPTS:-}"
fi
start="$(date +%s%N)"
"${launcher[@]}" "$@" > /dev/null 2>&1 || true
end="$(date +%s%N)"
awk -v total="$(((end - start) / 1000000))" '
  BEGIN {
    n = split("dev.nightbench.cli.Main=main() reached|ch.qos.logback.classic.LoggerContext=Logback configures itself (logback.xml)|dev.nightbench.db.EmbeddedDatabase=embedded PostgreSQL: start or attach|org.springframework.boot.SpringApplication=Spring Boot starts|org.springframework.boot.autoconfigure.AutoConfigurationImportSelector=auto-configuration (conditions of every candidate)|com.zaxxer.hikari.HikariDataSource=DataSource|org.flywaydb.core.Flyway=Flyway|org.springframework.batch.core.launch.JobOperator=Spring Batch|dev.nightbench.run.RunSteps=application beans|dev.nightbench.report.TrendCharts=chart warm-up (AWT, fonts; background)|dev.nightbench.client.openai.InMemorySocket=client class warm-up|dev.nightbench.run.ClientFactory=job running: clients built|dev.nightbench.store.RunStore$RunSummary=command body (queries)", p, "|")
    for (i = 1; i <= n; i++) { split(p[i], kv, "="); cls[i] = kv[1]; label[i] = kv[2] }
  }
  { name = $2; count++; t = substr($1, 2, length($1) - 3) + 0
    for (i = 1; i <= n; i++) if (name == cls[i] && !(i in at)) { at[i] = t; classes[i] = count } }
  END {
    for (i = 1; i <= n; i++) if (i in at) printf "%8.2f s  %6d classes  %s\n", at[i], classes[i], label[i]
    printf "%8.2f s  %6d classes  last class loaded\n", t, count
    printf "%8.2f s                  process exit (wall, from the shell)\n", total / 1000
  }' "$log" | sort -n
rm -f "$log"
