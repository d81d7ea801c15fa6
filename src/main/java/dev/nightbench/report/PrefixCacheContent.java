package dev.nightbench.report;

import dev.nightbench.report.ReportDocument.TableBuilder;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static dev.nightbench.report.ReportDocument.code;
import static dev.nightbench.report.ReportDocument.text;

/**
 * The report's "Prefix cache" section, only for a run in which a server said it served prompt tokens from its prefix
 * cache ({@code requests.cached_tokens > 0}): per model and load level, the time to first token of the requests
 * served partly from the cache beside those computed whole, and the share of prompt tokens that came from the cache
 * ({@code prefix_cache}, V24). The difference is what a shared system prefix ({@code shared_prefix:}) or a server's
 * cache setting ({@code cache_prompt}) is worth; a run whose first-token times mix both is otherwise hard to read.
 */
final class PrefixCacheContent {

    static final String HEADING = "Prefix cache";

    private PrefixCacheContent() {
    }

    /** One row of {@code prefix_cache}. */
    record Row(String modelAlias, String loadMode, double loadLevel, long requests, long cachedRequests,
               long uncachedRequests, long unknownRequests, Double cachedTtftMeanMs, Double cachedTtftP50Ms,
               Double uncachedTtftMeanMs, Double uncachedTtftP50Ms, Double cachedTokensMean, Double cachedShare) {
    }

    static List<Row> load(JdbcClient jdbc, long runId) {
        return jdbc.sql("""
                        SELECT model_alias, load_mode, load_level, requests, cached_requests, uncached_requests,
                               unknown_requests, cached_ttft_mean_ms, cached_ttft_p50_ms, uncached_ttft_mean_ms,
                               uncached_ttft_p50_ms, cached_tokens_mean::double precision AS cached_tokens_mean,
                               cached_share
                        FROM prefix_cache WHERE run_id = ?
                        ORDER BY model_alias, load_mode <> 'serial', load_mode, load_level""")
                .param(runId).query(Row.class).list();
    }

    /** Adds the section before the "Trends" heading (else at the end); nothing when no request was served cached. */
    static void insert(ReportDocument doc, long runId, List<Row> rows) {
        if (rows.stream().noneMatch(r -> r.cachedRequests() > 0)) {
            return;
        }
        doc.insertBeforeTrends(blocks(runId, rows));
    }

    static List<ReportDocument.Block> blocks(long runId, List<Row> rows) {
        List<ReportDocument.Block> out = new ArrayList<>();
        out.add(new ReportDocument.Heading(2, HEADING));
        out.add(new ReportDocument.Paragraph(List.of(text("Successful measured requests by what the server said of "
                + "its prefix cache: cached = some prompt tokens served from it (usage.prompt_tokens_details."
                + "cached_tokens, or llama.cpp's timings.cache_n), uncached = none, unknown = the server did not say. "
                + "TTFT of each group (streamed requests); share cached = cached prompt tokens ÷ prompt tokens of the "
                + "requests that said. The first request with a new prefix pays its prefill; later ones with the same "
                + "leading text do not. SQL: "), code("SELECT * FROM prefix_cache WHERE run_id = " + runId))));
        TableBuilder t = new TableBuilder().text("Model").text("Load").number("Cached / uncached / unknown")
                .number("TTFT p50 cached").number("TTFT p50 uncached").number("TTFT mean cached")
                .number("TTFT mean uncached").number("Cached tokens (mean)").number("Share cached");
        for (Row r : rows) {
            t.row(r.modelAlias(), load(r), r.cachedRequests() + " / " + r.uncachedRequests() + " / "
                            + r.unknownRequests(), Format.ms(r.cachedTtftP50Ms()), Format.ms(r.uncachedTtftP50Ms()),
                    Format.ms(r.cachedTtftMeanMs()), Format.ms(r.uncachedTtftMeanMs()),
                    r.cachedTokensMean() == null ? Format.NONE
                            : String.format(Locale.ROOT, "%.0f", r.cachedTokensMean()),
                    Format.share(r.cachedShare()));
        }
        out.add(t.build());
        return out;
    }

    private static String load(Row r) {
        return switch (r.loadMode()) {
            case "serial" -> "serial";
            case "concurrency" -> "concurrency " + Format.level(r.loadLevel());
            default -> Format.level(r.loadLevel()) + " req/s";
        };
    }
}
