package dev.nightbench.alert;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * POSTs one JSON payload to one webhook, retrying a 5xx, a 429 and a connection error (refused, reset, timed out)
 * with exponential backoff ({@link AlertProperties#backoff()} doubled each time, a {@code Retry-After} in seconds
 * honoured, both capped at {@link AlertProperties#maxBackoff()}) for at most {@link AlertProperties#attempts()}
 * requests; any other status (a 4xx: a wrong or revoked URL) is final at once. Never throws: what happened comes
 * back as a {@link Result}, whose error text never contains the URL (a Slack or Teams webhook URL is a secret).
 */
final class WebhookSender {

    /** Waits between attempts; a test may shorten it, the job uses {@link Thread#sleep(Duration)}. */
    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    /**
     * @param sent       a 2xx came back
     * @param attempts   requests made
     * @param httpStatus the last response's status, or null when none came
     * @param error      why it was not sent, without the URL; null when sent
     */
    record Result(boolean sent, int attempts, Integer httpStatus, String error) {
    }

    private final AlertProperties settings;
    private final HttpClient http;
    private final Sleeper sleeper;

    WebhookSender(AlertProperties settings, Sleeper sleeper) {
        this.settings = settings;
        this.sleeper = sleeper;
        this.http = HttpClient.newBuilder().connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    Result post(URI url, String json) {
        Duration backoff = settings.backoff();
        Integer status = null;
        String error = null;
        for (int attempt = 1; attempt <= settings.attempts(); attempt++) {
            Optional<Duration> retryAfter = Optional.empty();
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(url).timeout(settings.timeout())
                        .header("Content-Type", "application/json; charset=utf-8")
                        .header("User-Agent", "nightbench-alerts")
                        .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build(),
                        HttpResponse.BodyHandlers.ofString());
                status = response.statusCode();
                if (status / 100 == 2) {
                    return new Result(true, attempt, status, null);
                }
                error = "HTTP " + status + bodyHint(response.body(), url);
                if (status != 429 && status / 100 != 5) {
                    return new Result(false, attempt, status, error); // a 4xx does not get better by asking again
                }
                retryAfter = response.headers().firstValue("Retry-After").flatMap(WebhookSender::seconds);
            } catch (IOException e) {
                status = null;
                error = redact(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()),
                        url);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Result(false, attempt, status, "interrupted");
            }
            if (attempt == settings.attempts()) {
                break;
            }
            Duration wait = retryAfter.filter(d -> d.compareTo(settings.maxBackoff()) <= 0).orElse(backoff);
            wait = wait.compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : wait;
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Result(false, attempt, status, error + "; interrupted");
            }
            backoff = backoff.multipliedBy(2);
        }
        return new Result(false, settings.attempts(), status, error + " (after " + settings.attempts() + " attempts)");
    }

    private static Optional<Duration> seconds(String header) {
        try {
            long s = Long.parseLong(header.strip());
            return s >= 0 ? Optional.of(Duration.ofSeconds(s)) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty(); // an HTTP date: the exponential backoff instead
        }
    }

    /** The start of an error response's body (Slack says "invalid_token", "channel_not_found"), without the URL. */
    private static String bodyHint(String body, URI url) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String oneLine = body.strip().replaceAll("\\s+", " ");
        return ": " + redact(oneLine.length() > 200 ? oneLine.substring(0, 200) + "…" : oneLine, url);
    }

    /** The text with the URL, its path and its host taken out. */
    static String redact(String text, URI url) {
        String out = text.replace(url.toString(), "<webhook>");
        if (url.getRawPath() != null && url.getRawPath().length() > 1) {
            out = out.replace(url.getRawPath(), "<path>");
        }
        if (url.getHost() != null) {
            out = out.replace(url.getHost(), "<host>");
        }
        return out;
    }
}
