package dev.nightbench.report;

import dev.nightbench.report.ReportDocument.TableBuilder;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static dev.nightbench.report.ReportDocument.code;
import static dev.nightbench.report.ReportDocument.text;

/**
 * What differed between two runs besides their figures, for {@code nightbench compare}'s "What differed" section:
 * the plan (name, hash), the host environment (V16 {@code run_environment}), the plan's settings (V16
 * {@code run_settings}: run settings, model ids and params), each shared model's target ({@code run_models}) and the
 * version its server reported ({@code run_model_telemetry.server_version}, V15, read where it is rather than copied).
 * Models on one side only are left out here: the comparison lists them as not comparable.
 *
 * @param fields      every field that differs, in name order: its name and value on each side (null: not recorded)
 * @param unrecorded  the runs without a recorded environment (run before V16)
 */
record RunDifferences(List<Field> fields, List<Long> unrecorded) {

    /** One differing field. */
    record Field(String name, String baseline, String candidate) {
    }

    private static final List<String> HOST_COLUMNS = List.of("host_name", "os", "cpu_model", "cpu_cores",
            "memory_total_mb", "jvm_version", "gpu_name", "gpu_driver");

    static RunDifferences between(JdbcClient jdbc, long baseline, long candidate) {
        Set<String> shared = new TreeSet<>(aliases(jdbc, baseline));
        shared.retainAll(aliases(jdbc, candidate));
        Map<String, String> a = facts(jdbc, baseline, shared);
        Map<String, String> b = facts(jdbc, candidate, shared);
        List<Long> unrecorded = new ArrayList<>();
        for (long run : List.of(baseline, candidate)) {
            if (!recorded(jdbc, run)) {
                unrecorded.add(run);
            }
        }
        Set<String> names = new TreeSet<>(a.keySet());
        names.addAll(b.keySet());
        List<Field> fields = new ArrayList<>();
        for (String name : names) {
            if (name.startsWith("host.") && !unrecorded.isEmpty()) {
                continue; // an unrecorded environment is not a changed one
            }
            if (!Objects.equals(a.get(name), b.get(name))) {
                fields.add(new Field(name, a.get(name), b.get(name)));
            }
        }
        return new RunDifferences(List.copyOf(fields), List.copyOf(unrecorded));
    }

    /** The section: a table of what differed, or a sentence saying nothing recorded did. */
    void render(ReportDocument doc, long baseline, long candidate) {
        doc.add(new ReportDocument.Heading(2, "What differed"));
        for (long run : unrecorded) {
            doc.add(new ReportDocument.Paragraph(List.of(text("Run " + run + " has no recorded environment or settings "
                    + "(it ran before Nightbench recorded them): host fields are not compared."))));
        }
        if (fields.isEmpty()) {
            doc.add(new ReportDocument.Paragraph(List.of(text("Nothing recorded differed: same plan hash, host, "
                    + "settings, model targets and server versions."))));
            return;
        }
        TableBuilder t = new TableBuilder().text("Field").text("Run " + baseline + " (A, baseline)")
                .text("Run " + candidate + " (B, candidate)");
        for (Field f : fields) {
            t.row(code(f.name()), f.baseline() == null ? Format.NONE : f.baseline(),
                    f.candidate() == null ? Format.NONE : f.candidate());
        }
        doc.add(t.build());
    }

    private static List<String> aliases(JdbcClient jdbc, long run) {
        return jdbc.sql("SELECT model_alias FROM run_models WHERE run_id = ?").param(run).query(String.class).list();
    }

    private static boolean recorded(JdbcClient jdbc, long run) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM run_environment WHERE run_id = ?)").param(run)
                .query(Boolean.class).single();
    }

    /** Every recorded fact of the run by name; model facts of the shared models only. */
    private static Map<String, String> facts(JdbcClient jdbc, long run, Set<String> shared) {
        Map<String, String> f = new TreeMap<>();
        jdbc.sql("SELECT plan_name, plan_hash, nightbench_version, simulated FROM runs WHERE run_id = ?").param(run)
                .query(rs -> {
                    f.put("plan.name", rs.getString(1));
                    f.put("plan.hash", rs.getString(2));
                    f.put("nightbench.version", rs.getString(3));
                    f.put("plan.simulated", String.valueOf(rs.getBoolean(4)));
                });
        jdbc.sql("SELECT " + String.join(", ", HOST_COLUMNS) + " FROM run_environment WHERE run_id = ?").param(run)
                .query(rs -> {
                    for (int i = 0; i < HOST_COLUMNS.size(); i++) {
                        Object v = rs.getObject(i + 1);
                        if (v != null) {
                            f.put("host." + HOST_COLUMNS.get(i), String.valueOf(v));
                        }
                    }
                });
        jdbc.sql("SELECT setting, value FROM run_settings WHERE run_id = ?").param(run).query(rs -> {
            String setting = rs.getString(1);
            if (!setting.startsWith("model.") || ofShared(setting, shared)) {
                f.put(setting, rs.getString(2));
            }
        });
        jdbc.sql("""
                        SELECT model_alias, endpoint_name, base_url, server_model, size_mb, price_input_per_1k,
                               price_output_per_1k
                        FROM run_models WHERE run_id = ?""").param(run).query(rs -> {
            String alias = rs.getString(1);
            if (!shared.contains(alias)) {
                return;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("endpoint", rs.getString(2));
            m.put("base_url", rs.getString(3));
            m.put("model", rs.getString(4));
            m.put("size_mb", rs.getObject(5));
            m.put("price.input_per_1k", rs.getBigDecimal(6) == null ? null : rs.getBigDecimal(6).stripTrailingZeros().toPlainString());
            m.put("price.output_per_1k", rs.getBigDecimal(7) == null ? null : rs.getBigDecimal(7).stripTrailingZeros().toPlainString());
            m.forEach((k, v) -> {
                if (v != null) {
                    f.put("model." + alias + "." + k, String.valueOf(v));
                }
            });
        });
        jdbc.sql("""
                        SELECT model_alias, source, server_version FROM run_model_telemetry
                        WHERE run_id = ? AND server_version IS NOT NULL""").param(run).query(rs -> {
            if (shared.contains(rs.getString(1))) {
                f.put("server." + rs.getString(1) + "." + rs.getString(2), rs.getString(3));
            }
        });
        return f;
    }

    /** True for a {@code model.<alias>.…} setting of a model both runs have (aliases may contain dots). */
    private static boolean ofShared(String setting, Set<String> shared) {
        return shared.stream().anyMatch(alias -> setting.startsWith("model." + alias + "."));
    }
}
