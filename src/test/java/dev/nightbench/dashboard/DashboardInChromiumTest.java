package dev.nightbench.dashboard;

import dev.nightbench.support.ChildJvm;
import dev.nightbench.support.DevTools;
import dev.nightbench.support.SimTimeScale;
import dev.nightbench.support.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import tools.jackson.databind.JsonNode;

import javax.imageio.ImageIO;
import java.io.ByteArrayInputStream;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 16 item 1 end to end: {@code jobs/demo.yaml} run three times through the real command line (child JVMs, the
 * simulated delays at a quarter), the third with sim-medium three times slower ({@code NIGHTBENCH_SIM_SLOWDOWN}, a
 * regression), sim-fast scripted to answer the capital prompt with markup and a script, a label with markup; then the
 * real {@code nightbench serve} (a child JVM, 127.0.0.1, a free port, a token) opened in headless Chromium over the
 * DevTools protocol. Each page loads, reports no exception, console error or policy violation, shows model output and
 * labels as text, and leaves a screenshot under {@code target/test-artifacts/} that is checked to be a real picture;
 * the trend chart draws on its canvas and shows values on hover. Skipped where Chromium is not installed.
 */
class DashboardInChromiumTest {

    static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("NIGHTBENCH_CHROMIUM", "/usr/bin/chromium"));
    static final String TOKEN = "dash-" + Long.toHexString(System.nanoTime()) + "-secret";
    static final String HOSTILE = "<script>window.__xss=1</script><img src=x onerror=\"window.__xss=2\"> Paris & co";
    static final Duration WAIT = Duration.ofMinutes(4);
    static final Pattern ADDRESS = Pattern.compile("Dashboard: (http://127\\.0\\.0\\.1:(\\d+)/)");

    @TempDir
    static Path dir;

    static Process serve;
    static Path serveLog;
    static String base;
    static DevTools browser;
    static final Map<String, Long> runs = new HashMap<>();
    static final Path ARTIFACTS = Path.of("target/test-artifacts").toAbsolutePath();

    @BeforeAll
    static void demoHistoryAndServe() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "Chromium is not installed at " + CHROMIUM);
        String url = TestDatabase.newDatabase();
        String demo = Files.readString(Path.of("jobs/demo.yaml"));
        assertThat(demo).contains("    type: simulated\n");
        Path plan = dir.resolve("demo.yaml");
        Files.writeString(plan, demo.replaceFirst("    type: simulated\n", "    type: simulated\n    answers:\n"
                + "      sim-fast:\n        capital: ['" + HOSTILE.replace("'", "''") + "']\n"));
        Map<String, String> env = Map.of("NIGHTBENCH_DB_URL", url, "NIGHTBENCH_DB_USER", "postgres");
        run(env, plan, "night-1", null);
        run(env, plan, "night <b>2</b>", null);
        run(env, plan, "night-3", "sim-medium=3");
        JdbcClient jdbc = JdbcClient.create(new DriverManagerDataSource(url, "postgres", ""));
        jdbc.sql("SELECT label, run_id FROM runs").query((rs, n) -> runs.put(rs.getString(1), rs.getLong(2))).list();
        assertThat(jdbc.sql("SELECT count(*) FROM run_regressions WHERE run_id = ?").param(runs.get("night-3"))
                .query(Long.class).single()).as("the slowed run regressed").isPositive();

        Map<String, String> serveEnv = new HashMap<>(env);
        serveEnv.putAll(Map.of("NIGHTBENCH_SERVE_PORT", "0", "NIGHTBENCH_SERVE_TOKEN", TOKEN));
        serveLog = dir.resolve("serve.log");
        serve = ChildJvm.start(dir, serveLog, serveEnv, "serve");
        long deadline = System.nanoTime() + WAIT.toNanos();
        Matcher address = ADDRESS.matcher("");
        while (System.nanoTime() < deadline && serve.isAlive() && !address.reset(ChildJvm.readLog(serveLog)).find()) {
            Thread.sleep(100);
        }
        assertThat(address.reset(ChildJvm.readLog(serveLog)).find()).as(ChildJvm.readLog(serveLog)).isTrue();
        base = address.group(1);
        browser = DevTools.launch(CHROMIUM, dir, 1400, 1000);
        browser.navigate(base + "?token=" + TOKEN); // the one address with the token: a cookie stands for it after
        Files.createDirectories(ARTIFACTS);
    }

    private static void run(Map<String, String> env, Path plan, String label, String slowdown) throws Exception {
        Map<String, String> e = new HashMap<>(env);
        if (slowdown != null) {
            e.put("NIGHTBENCH_SIM_SLOWDOWN", slowdown);
        }
        Path log = dir.resolve("run-" + runs.size() + "-" + System.nanoTime() + ".log");
        Process p = ChildJvm.start(dir, log, e, List.of(SimTimeScale.jvmOption()), "run", "--plan", plan.toString(),
                "--label", label);
        assertThat(p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as(ChildJvm.readLog(log)).isTrue();
        assertThat(p.exitValue()).as(ChildJvm.readLog(log)).isIn(0, 4); // 4: sim-flaky may fail a night
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (serve != null) {
            serve.destroy();
            serve.waitFor(60, TimeUnit.SECONDS);
        }
    }

    @AfterEach
    void noErrorOnAnyPage() {
        if (browser != null) {
            assertThat(browser.takeErrors()).as("exceptions, console errors, failed loads, policy violations").isEmpty();
        }
    }

    @Test
    void theTokenIsAskedForExceptOnHealthAndNeverLogged() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        assertThat(status(http, base, null)).isEqualTo(401);
        assertThat(status(http, base + "trend", "wrong")).isEqualTo(401);
        assertThat(status(http, base, TOKEN)).isEqualTo(200);
        assertThat(status(http, base + "actuator/health", null)).isNotEqualTo(401);
        assertThat(status(http, base + "actuator/env", null)).isEqualTo(401);
        // the browser's first address carried the token; the page it landed on does not
        assertThat(browser.evaluate("location.href").asString()).isEqualTo(base);
        assertThat(ChildJvm.readLog(serveLog)).doesNotContain(TOKEN);
        try (var logs = Files.walk(dir.resolve("logs"))) {
            for (Path f : logs.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(f)).as(f.toString()).doesNotContain(TOKEN);
            }
        }
    }

    @Test
    void theRunsListShowsStatusFailedModelsRegressionsAndLabelsAsText() throws Exception {
        browser.navigate(base);
        assertThat(browser.evaluate("document.querySelectorAll('#runs tbody tr').length").asInt()).isEqualTo(3);
        String slowed = browser.evaluate("document.querySelector('#runs tr[data-run=\"" + runs.get("night-3")
                + "\"]').innerText").asString();
        assertThat(slowed).contains("COMPLETED", "regressed", "sim-medium", "night-3", "A/B vs " + runs.get("night <b>2</b>"));
        String labelled = browser.evaluate("document.querySelector('#runs tr[data-run=\"" + runs.get("night <b>2</b>")
                + "\"]').innerText").asString();
        assertThat(labelled).contains("night <b>2</b>");
        assertThat(browser.evaluate("document.querySelectorAll('#runs b').length").asInt()).isZero();
        screenshot("dashboard-runs.png");
    }

    @Test
    void theRunPageIsTheReportFromTheDatabaseWithModelOutputAsText() throws Exception {
        browser.navigate(base + "runs/" + runs.get("night-3"));
        assertThat(browser.evaluate("document.querySelector('h1').innerText").asString())
                .isEqualTo("Nightbench run " + runs.get("night-3") + ": demo");
        String text = browser.evaluate("document.body.innerText").asString();
        assertThat(text).contains("sim-fast on prompt capital", HOSTILE.substring(0, 60), "sim-medium");
        assertThat(browser.evaluate("typeof window.__xss").asString()).isEqualTo("undefined");
        assertThat(browser.evaluate("document.scripts.length + document.querySelectorAll('img[src=\"x\"]').length")
                .asInt()).isZero();
        String link = browser.evaluate("document.getElementById('page-link').href").asString();
        assertThat(link).isEqualTo(base + "runs/" + runs.get("night-3"));
        screenshot("dashboard-run.png");
    }

    @Test
    void theTrendPageDrawsAChartThatShowsValuesOnHover() throws Exception {
        browser.navigate(base + "trend?plan=demo&metric=ttft_ms_p50");
        JsonNode drawn = poll("document.documentElement.getAttribute('data-charts-drawn')");
        assertThat(drawn.asString()).isEqualTo("1");
        assertThat(browser.evaluate("document.documentElement.getAttribute('data-script-error')").isNull()).isTrue();
        int painted = browser.evaluate("""
                (() => { const c = document.querySelector('#trend-chart canvas');
                  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                  let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; })()""").asInt();
        assertThat(painted).as("painted canvas pixels").isGreaterThan(2000);
        assertThat(browser.evaluate("document.querySelectorAll('#trend-table tbody tr').length").asInt()).isEqualTo(3);
        // hover at the newest run (the right edge of the plot area): the legend shows it and each model's value
        JsonNode box = browser.evaluate("""
                (() => { const r = document.querySelector('#trend-chart .u-over').getBoundingClientRect();
                  return {x: r.right - 2, y: r.top + r.height / 2}; })()""");
        browser.moveMouse(box.get("x").asDouble(), box.get("y").asDouble());
        String legend = poll("""
                (() => { const t = document.querySelector('#trend-chart .u-legend').innerText;
                  return t.includes('run %d') ? t : null; })()""".formatted(runs.get("night-3"))).asString();
        assertThat(legend).contains("run " + runs.get("night-3"), "night-3");
        assertThat(legend).containsPattern("sim-medium:?\\s*[0-9.]+ ms");
        screenshot("dashboard-trend.png");

        // any date range; one outside the history says so
        browser.navigate(base + "trend?plan=demo&metric=decode_tps_p50&from=2001-01-01&to=2001-12-31");
        assertThat(browser.evaluate("document.body.innerText").asString()).contains("No run of this plan");
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create(base + "trend?from=yesterday"))
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("from &#39;yesterday&#39; is not a date like 2026-11-22");
    }

    @Test
    void theAbPageComparesAnyTwoRuns() throws Exception {
        long a = runs.get("night-1");
        long b = runs.get("night-3");
        browser.navigate(base + "compare?a=" + a + "&b=" + b);
        assertThat(browser.evaluate("document.querySelector('h1').innerText").asString())
                .isEqualTo("Run " + b + " (B) compared with run " + a + " (A)");
        assertThat(browser.evaluate("document.body.innerText").asString()).contains("sim-medium", "regressed");
        screenshot("dashboard-ab.png");
        browser.navigate(base + "compare");
        assertThat(browser.evaluate("document.querySelectorAll('form.ab select option').length").asInt()).isEqualTo(6);
    }

    private static JsonNode poll(String expression) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        JsonNode value = browser.evaluate(expression);
        while ((value.isNull() || value.isMissingNode()) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            value = browser.evaluate(expression);
        }
        return value;
    }

    private static int status(HttpClient http, String url, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** Writes the viewport's PNG and checks it is a picture: 1400 x 1000, many colours, mostly not blank. */
    private static void screenshot(String name) throws Exception {
        byte[] png = browser.screenshot();
        Files.write(ARTIFACTS.resolve(name), png);
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');
        assertThat(png.length).isGreaterThan(20_000);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image.getWidth()).isEqualTo(1400);
        assertThat(image.getHeight()).isEqualTo(1000);
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 4) {
            for (int x = 0; x < image.getWidth(); x += 4) {
                colours.add(image.getRGB(x, y));
            }
        }
        assertThat(colours.size()).as("distinct colours in " + name).isGreaterThan(30);
    }
}
