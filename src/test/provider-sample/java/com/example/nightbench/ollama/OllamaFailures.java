package com.example.nightbench.ollama;

import dev.nightbench.client.FailureClass;
import dev.nightbench.client.ModelClientException;
import dev.nightbench.client.Timeouts;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * Turns what went wrong into a {@link ModelClientException} whose {@link FailureClass} the job acts on (it retries
 * 429, 5xx, timeouts and connection failures, and its circuit breaker counts them; a 4xx other than 429 is never
 * retried): the same classes as Nightbench's OpenAI client. Every message is safe to store: the server's text is
 * truncated and the API key removed.
 */
final class OllamaFailures {

    private static final int MAX_TEXT = 500;

    private final Timeouts timeouts;
    private final UnaryOperator<String> redact;

    OllamaFailures(Timeouts timeouts, UnaryOperator<String> redact) {
        this.timeouts = timeouts;
        this.redact = redact;
    }

    /** A non-200 answer: Ollama's body is {@code {"error": "..."}}. */
    ModelClientException http(int status, HttpHeaders headers, String body, JsonMapper json) {
        String message = "HTTP " + status + ": " + scrub(errorText(body, json));
        if (status == 429) {
            return new ModelClientException(FailureClass.HTTP_429, message, status, retryAfter(headers), null);
        }
        if (status >= 500) {
            return new ModelClientException(FailureClass.HTTP_5XX, message, status, retryAfter(headers), null);
        }
        if (status >= 400) {
            return new ModelClientException(FailureClass.HTTP_4XX, message, status, null, null);
        }
        return new ModelClientException(FailureClass.INVALID_RESPONSE, "unexpected " + message, status, null, null);
    }

    /** An {@code {"error": "..."}} line inside a stream that began well: the server failed mid-answer. */
    ModelClientException inStream(String error) {
        return new ModelClientException(FailureClass.HTTP_5XX, "server reported an error mid-stream: " + scrub(error),
                200, null, null);
    }

    ModelClientException invalid(String what, Throwable cause) {
        return new ModelClientException(FailureClass.INVALID_RESPONSE, "unparsable response: " + scrub(what), 200,
                null, cause);
    }

    ModelClientException truncated(String what) {
        return new ModelClientException(FailureClass.TRUNCATED_STREAM, what, 200, null, null);
    }

    ModelClientException timeout(FailureClass which) {
        String message = switch (which) {
            case TIMEOUT_FIRST_TOKEN -> "no token within the first-token timeout of " + timeouts.firstToken();
            case TIMEOUT_IDLE -> "no line for the idle timeout of " + timeouts.idle();
            case TIMEOUT_TOTAL -> "response not complete within the total timeout of " + timeouts.total();
            default -> which.code();
        };
        return new ModelClientException(which, message);
    }

    /** A request that is not a chat (the model list, a load) not answered within {@code limit}. */
    ModelClientException timeout(String what, Duration limit) {
        return new ModelClientException(FailureClass.TIMEOUT_TOTAL, what + " not answered within " + limit);
    }

    ModelClientException cancelled(Throwable cause) {
        return new ModelClientException(FailureClass.CANCELLED, "interrupted", null, null, cause);
    }

    /**
     * The exchange failed: before the response head ({@code responseStarted} false) a refused or unresolvable
     * connection, a connect timeout, or a connection lost before any response; after it, a cut stream.
     */
    ModelClientException io(Throwable error, boolean responseStarted) {
        if (has(error, HttpConnectTimeoutException.class)) {
            return new ModelClientException(FailureClass.TIMEOUT_CONNECT, "connect timed out after "
                    + timeouts.connect(), null, null, error);
        }
        if (has(error, ConnectException.class) || has(error, UnresolvedAddressException.class)
                || has(error, UnknownHostException.class) || has(error, NoRouteToHostException.class)) {
            return new ModelClientException(FailureClass.CONNECT_ERROR, "cannot connect: " + scrub(describe(error)),
                    null, null, error);
        }
        if (responseStarted) {
            return new ModelClientException(FailureClass.TRUNCATED_STREAM, "connection lost while reading the response: "
                    + scrub(describe(error)), 200, null, error);
        }
        return new ModelClientException(FailureClass.CONNECT_ERROR, "connection failed before a response: "
                + scrub(describe(error)), null, null, error);
    }

    /** Whether a failure before the response may be a pooled connection the server had closed (re-sent once). */
    static boolean staleConnection(Throwable error) {
        return error instanceof IOException && !has(error, ConnectException.class)
                && !has(error, HttpConnectTimeoutException.class) && !has(error, UnknownHostException.class);
    }

    private static String errorText(String body, JsonMapper json) {
        try {
            JsonNode error = json.readTree(body).path("error");
            if (error.isString()) {
                return error.stringValue();
            }
        } catch (RuntimeException notJson) {
            // the body as it is
        }
        return body == null || body.isBlank() ? "(no body)" : body.strip();
    }

    private static Duration retryAfter(HttpHeaders headers) {
        try {
            return headers.firstValue("Retry-After").map(v -> Duration.ofSeconds(Long.parseLong(v.strip())))
                    .orElse(null);
        } catch (NumberFormatException httpDate) {
            return null;
        }
    }

    private String scrub(String text) {
        String s = redact.apply(text == null ? "" : text);
        return s.length() > MAX_TEXT ? s.substring(0, MAX_TEXT) + "…" : s;
    }

    private static String describe(Throwable error) {
        Throwable root = error;
        String message = root.getMessage();
        return message == null || message.isBlank() ? root.getClass().getSimpleName()
                : root.getClass().getSimpleName() + ": " + message;
    }

    private static boolean has(Throwable error, Class<? extends Throwable> type) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
