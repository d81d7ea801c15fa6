package dev.nightbench.monitoring;

import dev.nightbench.support.JobTestSupport;
import dev.nightbench.support.SimTimeScale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.batch.core.BatchStatus;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The optional Grafana of {@code docker-compose.yml} (profile {@code grafana}), checked without Docker: the compose
 * file and the provisioning files parse and point at each other, and every SQL query of the dashboard (its variables'
 * too) runs on a real database after two demo runs and returns rows, with Grafana's macros and variables expanded as
 * Grafana expands them.
 */
@ExtendWith(SimTimeScale.class)
class GrafanaProvisioningTest extends JobTestSupport {

    private static final Path GRAFANA = Path.of("src/main/grafana");
    private static final Path DASHBOARD = GRAFANA.resolve("dashboards/nightbench.json");
    private static final Pattern TIME_FILTER = Pattern.compile("\\$__timeFilter\\((\\w+)\\)");
    private static final Pattern SQLSTRING = Pattern.compile("\\$\\{(\\w+):sqlstring}");

    @SuppressWarnings("unchecked")
    private static Map<String, Object> yaml(Path file) throws Exception {
        return (Map<String, Object>) new Yaml().load(Files.readString(file));
    }

    @SuppressWarnings("unchecked")
    private static <T> T at(Object node, String... keys) {
        Object o = node;
        for (String k : keys) {
            assertThat(o).as("'%s' in %s", k, node).isInstanceOf(Map.class);
            o = ((Map<String, Object>) o).get(k);
        }
        return (T) o;
    }

    @Test
    @SuppressWarnings("unchecked")
    void composeAndProvisioningFilesPointAtEachOther() throws Exception {
        Map<String, Object> compose = yaml(Path.of("docker-compose.yml"));
        Map<String, Object> grafana = at(compose, "services", "grafana");
        assertThat((List<String>) grafana.get("profiles")).containsExactly("grafana");
        assertThat((List<String>) grafana.get("ports")).allMatch(p -> p.startsWith("127.0.0.1:"));
        assertThat((Map<String, Object>) at(grafana, "depends_on")).containsKey("postgres");
        assertThat((Map<String, Object>) at(compose, "volumes")).containsKey("grafana");
        Map<String, String> mounts = ((List<String>) grafana.get("volumes")).stream().map(v -> v.split(":"))
                .collect(Collectors.toMap(v -> v[1], v -> v[0]));
        assertThat(mounts).containsEntry("/etc/grafana/provisioning", "./src/main/grafana/provisioning");
        mounts.values().stream().filter(src -> src.startsWith("./"))
                .forEach(src -> assertThat(Path.of(src)).as("mounted %s", src).isDirectory());

        // the data source: the compose database, with credentials from the grafana service's environment
        Map<String, Object> ds = ((List<Map<String, Object>>) at(yaml(GRAFANA.resolve(
                "provisioning/datasources/nightbench.yaml")), "datasources")).getFirst();
        assertThat(ds.get("type")).isEqualTo("grafana-postgresql-datasource");
        assertThat(ds.get("url")).isEqualTo("postgres:5432");
        assertThat((Object) at(ds, "jsonData", "database"))
                .isEqualTo(at(compose, "services", "postgres", "environment", "POSTGRES_DB"));
        Map<String, Object> env = at(grafana, "environment");
        for (String ref : List.of((String) ds.get("user"), (String) at(ds, "secureJsonData", "password"))) {
            Matcher m = Pattern.compile("^\\$\\{(\\w+)}$").matcher(ref);
            assertThat(m.matches()).as("%s comes from the environment", ref).isTrue();
            assertThat(env).containsKey(m.group(1));
        }

        // the dashboard provider reads where compose mounts the dashboards, and the home dashboard is there
        String providerPath = at(((List<Object>) at(yaml(GRAFANA.resolve("provisioning/dashboards/nightbench.yaml")),
                "providers")).getFirst(), "options", "path");
        assertThat(mounts).containsEntry(providerPath, "./src/main/grafana/dashboards");
        String home = (String) env.get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH");
        assertThat(Path.of(mounts.get(providerPath)).resolve(Path.of(providerPath).relativize(Path.of(home))))
                .isRegularFile();

        // every panel and variable uses the provisioned data source; panel ids are unique and laid out
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(ids.add(panel.path("id").asInt())).as("unique id %s", panel.path("id")).isTrue();
            assertThat(panel.path("gridPos").path("w").asInt()).isBetween(1, 24);
            assertThat(panel.path("datasource").path("uid").asText()).isEqualTo(ds.get("uid"));
            panel.path("targets").forEach(t -> assertThat(t.path("datasource").path("uid").asText())
                    .isEqualTo(ds.get("uid")));
        }
        dashboard.path("templating").path("list").forEach(v -> assertThat(v.path("datasource").path("uid").asText())
                .isEqualTo(ds.get("uid")));
        assertThat(ids).hasSizeGreaterThanOrEqualTo(5);
    }

    @Test
    void everyQueryOfTheDashboardRunsOnTheSchemaAndFindsTheDemoRuns() throws Exception {
        // given: two demo runs, so the newest one has a baseline to be compared with
        for (int i = 0; i < 2; i++) {
            assertThat(launch(Path.of("jobs/demo.yaml")).getStatus()).isEqualTo(BatchStatus.COMPLETED);
        }
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        Instant to = Instant.now().plusSeconds(60);
        Instant from = to.minus(Duration.ofDays(90)); // the dashboard's default range, now-90d
        assertThat(dashboard.path("time").path("from").asText()).isEqualTo("now-90d");

        // when: the variables are resolved as Grafana does, in order (model depends on plan)
        Map<String, List<String>> values = new java.util.HashMap<>();
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            String sql = expand(variable.path("query").asText(), values, from, to);
            List<String> found = jdbc.sql(sql).query(String.class).list();
            assertThat(found).as("values of $%s from %s", variable.path("name").asText(), sql).isNotEmpty();
            values.put(variable.path("name").asText(), variable.path("multi").asBoolean() ? found : found.subList(0, 1));
        }
        assertThat(values.get("plan")).containsExactly("demo");
        assertThat(values.get("model")).containsExactly("sim-fast", "sim-flaky", "sim-large", "sim-medium");

        // then: every panel's query runs and returns rows; time series have a time column and numbers
        List<String> checked = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                String sql = expand(target.path("rawSql").asText(), values, from, to);
                List<Map<String, Object>> rows = jdbc.sql(sql).query().listOfRows();
                assertThat(rows).as("rows of panel '%s':%n%s", panel.path("title").asText(), sql).isNotEmpty();
                if (target.path("format").asText().equals("time_series")) {
                    assertThat(rows).allSatisfy(r -> {
                        assertThat(r.get("time")).isInstanceOf(Timestamp.class);
                        assertThat(r.get("metric")).isIn(values.get("model").toArray());
                        // one value column: a number, or null where the view has none (e.g. every request of a
                        // model flagged on a busy machine leaves its decode_tps_p50 null)
                        assertThat(r.values().stream().filter(v -> v instanceof Number).count()).isLessThanOrEqualTo(1);
                    });
                    assertThat(rows).anySatisfy(r -> assertThat(r.values().stream().filter(v -> v instanceof Number))
                            .hasSize(1));
                } else {
                    assertThat(target.path("format").asText()).isEqualTo("table");
                }
                checked.add(panel.path("title").asText());
            }
        }
        assertThat(checked).hasSize(dashboard.path("panels").size());
    }

    /** Grafana's PostgreSQL macros and {@code ${var:sqlstring}} as Grafana expands them; anything else left fails. */
    private static String expand(String sql, Map<String, List<String>> values, Instant from, Instant to) {
        String out = TIME_FILTER.matcher(sql).replaceAll(m -> m.group(1) + " BETWEEN '" + from + "' AND '" + to + "'");
        Matcher m = SQLSTRING.matcher(out);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            List<String> v = values.get(m.group(1));
            assertThat(v).as("variable $%s is defined before it is used", m.group(1)).isNotNull();
            m.appendReplacement(sb, Matcher.quoteReplacement(v.stream().map(s -> "'" + s.replace("'", "''") + "'")
                    .collect(Collectors.joining(","))));
        }
        m.appendTail(sb);
        assertThat(sb.toString()).as("no macro or variable left in%n%s", sb).doesNotContain("$");
        return sb.toString();
    }
}
