# Sourced by the bench scripts (bash): finding the JDK and the Nightbench jar they run.

# Sets JAVA: itself when given, else the newest JDK 21+ under /usr/lib/jvm; left empty when there is none.
nightbench_find_java() {
  JAVA=${JAVA:-}
  if [[ -z "$JAVA" ]]; then
    local home
    for home in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -V -r); do
      if "${home}bin/java" -version 2>&1 | head -1 | grep -qE '"(2[1-9]|[3-9][0-9])'; then JAVA="${home}bin/java"; break; fi
    done
  fi
}

# Sets jar to ROOT/target/nightbench.jar, (re)built when missing or older than the sources, so a check never measures
# a stale build. $1: the project root.
nightbench_build_jar() {
  jar="$1/target/nightbench.jar"
  if [[ ! -f "$jar" || -n "$(find "$1/src/main" "$1/db" "$1/pom.xml" -newer "$jar" -type f -print -quit)" ]]; then
    echo "building $jar (./mvnw -q -DskipTests package)" >&2
    (cd "$1" && ./mvnw -q -B -DskipTests package)
  fi
}
