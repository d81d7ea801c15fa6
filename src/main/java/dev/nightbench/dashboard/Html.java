package dev.nightbench.dashboard;

import org.springframework.web.util.HtmlUtils;
import org.springframework.web.util.UriComponentsBuilder;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The dashboard's page frame and its few helpers. Every text that comes from the database (model names and output,
 * labels, plan names, error messages) goes through {@link #esc}; the rest is this class's own markup. Pages load
 * nothing from elsewhere: the stylesheet, uPlot and the chart script are served by the dashboard itself, and the
 * policy header ({@link #POLICY}) forbids any other script, inline ones included.
 */
final class Html {

    /** The dashboard's own pages: scripts and styles from this server only. */
    static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
    /** Pages made by the report renderer (run, A/B): no script at all, its inline style and data: images. */
    static final String REPORT_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
            + "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private Html() {
    }

    static String esc(Object text) {
        return text == null ? "" : HtmlUtils.htmlEscape(text.toString(), "UTF-8");
    }

    /** A link; {@code href} is built by the dashboard (ids, encoded parameters) and escaped here too. */
    static String a(String href, String text) {
        return "<a href=\"" + esc(href) + "\">" + esc(text) + "</a>";
    }

    /** A path with encoded query parameters, e.g. {@code /trend?plan=demo&metric=ttft_ms_p50}. */
    static UriComponentsBuilder path(String path) {
        return UriComponentsBuilder.fromPath(path);
    }

    static String time(Instant t) {
        return t == null ? "" : TIME.format(t);
    }

    static String duration(Instant start, Instant end) {
        if (start == null || end == null) {
            return "";
        }
        long s = Duration.between(start, end).toSeconds();
        return s < 60 ? s + " s" : s < 3600 ? (s / 60) + " min " + (s % 60) + " s" : (s / 3600) + " h " + (s % 3600 / 60)
                + " min";
    }

    static String number(Double v) {
        if (v == null) {
            return "–";
        }
        return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.0f" : Math.abs(v) >= 10 ? "%.1f" : "%.2f", v);
    }

    /**
     * The navigation bar. {@code link} is this page's address as a person pastes it (no token: the filter takes it
     * off before a page is made). On the report renderer's pages ({@code inline}) it is styled inline, as their
     * policy allows inline style only; the dashboard's own pages style it from {@code dashboard.css}, as theirs
     * allows no inline style.
     */
    static String nav(String link, String extra, boolean inline) {
        return "<nav class=\"nb-nav\"" + style(inline, "font:14px system-ui,sans-serif;background:#24292f;color:#fff;"
                + "padding:8px 16px;margin:-24px -32px 16px;display:flex;gap:16px;flex-wrap:wrap;align-items:center")
                + "><strong>Nightbench</strong>" + navLink("/", "Runs", inline) + navLink("/trend", "Trends", inline)
                + navLink("/compare", "A/B", inline) + (extra == null ? "" : extra)
                + "<span class=\"nb-link\"" + style(inline, "margin-left:auto;color:#d0d7de") + ">Link: <a id=\"page-link\""
                + style(inline, "color:#9cd0ff") + " href=\"" + esc(link) + "\">" + esc(link) + "</a></span></nav>";
    }

    static String navLink(String href, String text, boolean inline) {
        return "<a" + style(inline, "color:#fff") + " href=\"" + esc(href) + "\">" + esc(text) + "</a>";
    }

    private static String style(boolean inline, String css) {
        return inline ? " style=\"" + css + "\"" : "";
    }

    /** A whole dashboard page: the frame, {@code body}, and the chart scripts when {@code charts}. */
    static String page(String title, String nav, String body, boolean charts) {
        StringBuilder h = new StringBuilder(16 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(esc(title)).append(" · Nightbench</title>\n")
                .append("<link rel=\"icon\" href=\"data:,\">\n")
                .append("<link rel=\"stylesheet\" href=\"/dashboard/dashboard.css\">\n");
        if (charts) {
            h.append("<link rel=\"stylesheet\" href=\"/dashboard/uPlot.min.css\">\n");
        }
        h.append("</head>\n<body>\n").append(nav).append("\n<h1>").append(esc(title)).append("</h1>\n").append(body);
        if (charts) {
            h.append("<script src=\"/dashboard/uPlot.iife.min.js\"></script>\n")
                    .append("<script src=\"/dashboard/trend.js\"></script>\n");
        }
        return h.append("</body>\n</html>\n").toString();
    }
}
