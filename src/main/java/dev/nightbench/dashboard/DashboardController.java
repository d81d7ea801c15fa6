package dev.nightbench.dashboard;

import dev.nightbench.report.ReportService;
import dev.nightbench.report.RunComparer;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static dev.nightbench.dashboard.Html.esc;

/**
 * {@code serve}'s read-only dashboard, server-rendered: the runs list ({@code /}), a run's report rendered from the
 * database ({@code /runs/ID}, by {@link ReportService#html}, and {@code /runs/ID/results.json}), trends of a plan's
 * models per metric over any range of days ({@code /trend?plan=&model=&metric=&from=&to=}) and an A/B comparison of
 * any two runs ({@code /compare?a=&b=}, by {@link RunComparer}). GET only: nothing here writes. Every address is a
 * plain link a person can paste into a chat; bad parameters answer 400 and unknown runs 404, naming the parameter.
 */
@Controller
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class DashboardController {

    /** A trend page without {@code from} shows this many days up to {@code to}. */
    static final int DEFAULT_DAYS = 90;
    static final int DEFAULT_RUNS = 50;

    private final DashboardQueries queries;
    private final ReportService reports;
    private final RunComparer comparer;
    private final Clock clock;

    DashboardController(DashboardQueries queries, ReportService reports, RunComparer comparer, Clock clock) {
        this.queries = queries;
        this.reports = reports;
        this.comparer = comparer;
        this.clock = clock;
    }

    /** A request the dashboard answers with an error page: its status and what was wrong. */
    static final class PageException extends RuntimeException {
        private final HttpStatus status;

        PageException(HttpStatus status, String message) {
            super(message);
            this.status = status;
        }
    }

    @GetMapping("/")
    ResponseEntity<String> runs(@RequestParam(required = false) String plan,
                                @RequestParam(required = false) String limit) {
        int n = limit == null ? DEFAULT_RUNS : positive("limit", limit);
        List<DashboardQueries.RunLine> runs = queries.runs(plan, n);
        Map<Long, List<String>> regressions = new HashMap<>();
        runs.stream().filter(r -> r.regressions() > 0).forEach(r -> regressions.put(r.runId(),
                reports.regressions(r.runId())));
        return page("Runs" + (plan == null ? "" : " of plan " + plan), RunsPage.body(runs, regressions,
                queries.plans(), plan, n), null, false);
    }

    @GetMapping("/runs/{id}")
    ResponseEntity<String> run(@PathVariable String id) {
        DashboardQueries.RunLine run = queries.run(runId("id", id))
                .orElseThrow(() -> new PageException(HttpStatus.NOT_FOUND, "no run with id " + id));
        String extra = (run.baselineRun() == null ? "" : Html.navLink("/compare?a=" + run.baselineRun() + "&b="
                + run.runId(), "A/B vs run " + run.baselineRun(), true)) + Html.navLink(Html.path("/trend")
                .queryParam("plan", run.planName()).encode().toUriString(), "Trends of " + run.planName(), true)
                + Html.navLink("/runs/" + run.runId() + "/results.json", "results.json", true);
        return html(reports.html(run.runId(), Html.nav(link(), extra, true)), Html.REPORT_POLICY, HttpStatus.OK);
    }

    @GetMapping(value = "/runs/{id}/results.json", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<String> results(@PathVariable String id) {
        long runId = runId("id", id);
        if (!comparer.exists(runId)) {
            throw new PageException(HttpStatus.NOT_FOUND, "no run with id " + id);
        }
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(reports.resultsJson(runId));
    }

    @GetMapping("/trend")
    ResponseEntity<String> trend(@RequestParam(required = false) String plan,
                                 @RequestParam(name = "model", required = false) List<String> model,
                                 @RequestParam(required = false) String metric,
                                 @RequestParam(required = false) String from,
                                 @RequestParam(required = false) String to) {
        List<String> plans = queries.plans();
        TrendMetric m = metric == null || metric.isBlank() ? TrendMetric.DEFAULT : TrendMetric.byKey(metric)
                .orElseThrow(() -> new PageException(HttpStatus.BAD_REQUEST, "metric '" + metric + "' is not one of "
                        + Arrays.stream(TrendMetric.values()).map(TrendMetric::key).collect(Collectors.joining(", "))));
        LocalDate end = to == null || to.isBlank() ? LocalDate.now(clock.withZone(ZoneOffset.UTC)) : date("to", to);
        LocalDate start = from == null || from.isBlank() ? end.minusDays(DEFAULT_DAYS - 1) : date("from", from);
        if (start.isAfter(end)) {
            throw new PageException(HttpStatus.BAD_REQUEST, "from (" + start + ") is after to (" + end + ")");
        }
        if (plans.isEmpty()) {
            return page("Trends", "<p class=\"empty\">No runs yet.</p>\n", null, false);
        }
        String p = plan == null || plan.isBlank() ? plans.getFirst() : plan;
        if (!plans.contains(p)) {
            throw new PageException(HttpStatus.NOT_FOUND, "no run of plan '" + p + "'");
        }
        List<String> models = model == null ? List.of() : model.stream().filter(s -> !s.isBlank()).distinct().toList();
        TrendPage.Query q = new TrendPage.Query(p, models, m, start, end);
        return page(TrendPage.title(q), TrendPage.body(q, plans, queries.models(p), queries.trend(p, m, models, start,
                end)), q.link(), true);
    }

    @GetMapping("/compare")
    ResponseEntity<String> compare(@RequestParam(required = false) String a, @RequestParam(required = false) String b) {
        if ((a == null || a.isBlank()) && (b == null || b.isBlank())) {
            return page("A/B comparison", CompareForm.body(queries.runs(null, 200)), null, false);
        }
        long ra = runId("a", a);
        long rb = runId("b", b);
        for (long id : List.of(ra, rb)) {
            if (!comparer.exists(id)) {
                throw new PageException(HttpStatus.NOT_FOUND, "no run with id " + id);
            }
        }
        if (ra == rb) {
            throw new PageException(HttpStatus.BAD_REQUEST, "a and b are the same run (" + ra + "): pick two runs");
        }
        String extra = Html.navLink("/runs/" + ra, "Run A (" + ra + ")", true) + Html.navLink("/runs/" + rb, "Run B ("
                + rb + ")", true) + Html.navLink("/compare?a=" + rb + "&b=" + ra, "Swap A and B", true);
        return html(comparer.compare(ra, rb).html(Html.nav(link(), extra, true)), Html.REPORT_POLICY, HttpStatus.OK);
    }

    @ExceptionHandler(PageException.class)
    ResponseEntity<String> problem(PageException e) {
        String title = e.status.value() + " " + e.status.getReasonPhrase();
        return html(Html.page(title, Html.nav(link(), null, false), "<p class=\"problem\">" + esc(e.getMessage()) + "</p>\n",
                false), Html.POLICY, e.status);
    }

    private ResponseEntity<String> page(String title, String body, String link, boolean charts) {
        return html(Html.page(title, Html.nav(link == null ? link() : absolute(link), null, false), body, charts), Html.POLICY,
                HttpStatus.OK);
    }

    private static ResponseEntity<String> html(String html, String policy, HttpStatus status) {
        return ResponseEntity.status(status).contentType(new MediaType(MediaType.TEXT_HTML, java.nio.charset.StandardCharsets.UTF_8))
                .header("Content-Security-Policy", policy)
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .body(html);
    }

    /** This request's address as a person pastes it (the token filter has taken any token off before). */
    private static String link() {
        return ServletUriComponentsBuilder.fromCurrentRequest().replaceQueryParam(TokenFilter.PARAMETER).build()
                .toUriString();
    }

    private static String absolute(String pathAndQuery) {
        return ServletUriComponentsBuilder.fromCurrentContextPath().build().toUriString() + pathAndQuery;
    }

    private static long runId(String name, String value) {
        try {
            return Long.parseLong(value.strip());
        } catch (NullPointerException | NumberFormatException e) {
            throw new PageException(HttpStatus.BAD_REQUEST, name + " must be a run id (a number), not '" + value + "'");
        }
    }

    private static int positive(String name, String value) {
        try {
            int n = Integer.parseInt(value.strip());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new PageException(HttpStatus.BAD_REQUEST, name + " must be a positive whole number, not '" + value + "'");
    }

    private static LocalDate date(String name, String value) {
        try {
            return LocalDate.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw new PageException(HttpStatus.BAD_REQUEST, name + " '" + value + "' is not a date like 2026-11-22");
        }
    }
}
