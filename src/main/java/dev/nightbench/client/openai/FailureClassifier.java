package dev.nightbench.client.openai;

import com.fasterxml.jackson.core.JacksonException;
import com.openai.core.JsonValue;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.SseException;
import dev.nightbench.client.FailureClass;
import dev.nightbench.client.ModelClientException;
import dev.nightbench.client.Timeouts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedByInterruptException;
import java.util.Map;

/**
 * Turns what went wrong with a call into a {@link ModelClientException} with its {@link FailureClass}: the timeout
 * or cancellation its {@link CallGuard} tripped; refused or unresolvable connection, or a connection lost before any
 * response, is {@code CONNECT_ERROR}; a connection lost after the response began is {@code TRUNCATED_STREAM}; 429 is
 * {@code HTTP_429} and 5xx {@code HTTP_5XX} (both with the server's {@link RetryAfter}), as is an error event inside
 * a stream; other 4xx are {@code HTTP_4XX} with the server's error text; unparsable JSON or SSE is
 * {@code INVALID_RESPONSE}; an interrupted caller is {@code CANCELLED}.
 *
 * <p>Every message is safe to store and show: server texts are truncated to {@value #MAX_ERROR_TEXT} characters and
 * scrubbed of the API key ({@link KeyRedactor}, the same redaction as answers). Timeout messages name the limit that
 * fired, and for the endpoint probe the plan setting that sets it.
 */
final class FailureClassifier {

    private static final Logger log = LoggerFactory.getLogger(FailureClassifier.class);

    static final int MAX_ERROR_TEXT = 500;

    private final Timeouts timeouts;
    private final KeyRedactor redactor;
    private final RetryAfter retryAfter;

    FailureClassifier(Timeouts timeouts, KeyRedactor redactor, RetryAfter retryAfter) {
        this.timeouts = timeouts;
        this.redactor = redactor;
        this.retryAfter = retryAfter;
    }

    /**
     * The failure of a call that threw {@code error} (or whose guard tripped).
     *
     * @param what what the call was doing, for the message ("chat completion", "listing models")
     */
    ModelClientException classify(Throwable error, CallGuard guard, String what) {
        FailureClass tripped = guard.tripped();
        if (tripped == FailureClass.CANCELLED) {
            return new ModelClientException(FailureClass.CANCELLED, what + " interrupted", null, null, error);
        }
        if (tripped != null) {
            return new ModelClientException(tripped, timeoutMessage(tripped, guard.probe), null, null, error);
        }
        if (Thread.currentThread().isInterrupted() || has(error, InterruptedException.class)
                || has(error, ClosedByInterruptException.class)) {
            return new ModelClientException(FailureClass.CANCELLED, what + " interrupted", null, null, error);
        }
        if (error instanceof SseException sse) {
            return new ModelClientException(FailureClass.HTTP_5XX,
                    "server reported an error mid-stream: " + serverText(sse), null, null, error);
        }
        if (error instanceof OpenAIServiceException http) {
            return httpFailure(http);
        }
        Integer status = guard.responseStarted ? guard.status : null;
        JacksonException unparsable = find(error, JacksonException.class);
        if (unparsable != null) {
            return new ModelClientException(FailureClass.INVALID_RESPONSE,
                    "unparsable response: " + scrub(unparsable.getOriginalMessage()), status, null, error);
        }
        IOException io = findIo(error);
        if (io == null) {
            return new ModelClientException(FailureClass.INVALID_RESPONSE,
                    what + " failed: " + scrub(describe(error)), status, null, error);
        }
        SocketTimeoutException timeout = find(error, SocketTimeoutException.class);
        if (timeout != null) {
            if (!guard.responseStarted && String.valueOf(timeout.getMessage()).toLowerCase().contains("connect")) {
                return new ModelClientException(FailureClass.TIMEOUT_CONNECT,
                        timeoutMessage(FailureClass.TIMEOUT_CONNECT, guard.probe), null, null, error);
            }
            FailureClass late = !guard.streaming ? FailureClass.TIMEOUT_TOTAL
                    : guard.firstToken ? FailureClass.TIMEOUT_IDLE : FailureClass.TIMEOUT_FIRST_TOKEN;
            return new ModelClientException(late, timeoutMessage(late, guard.probe), status, null, error);
        }
        if (has(error, InterruptedIOException.class)) { // an I/O wait cut short (OkHttp sets no timeout of its own)
            return new ModelClientException(FailureClass.TIMEOUT_TOTAL,
                    timeoutMessage(FailureClass.TIMEOUT_TOTAL, guard.probe), status, null, error);
        }
        if (has(error, ConnectException.class) || has(error, NoRouteToHostException.class)
                || has(error, UnknownHostException.class)) {
            return new ModelClientException(FailureClass.CONNECT_ERROR, "cannot connect: " + scrub(describe(io)),
                    null, null, error);
        }
        if (guard.responseStarted) {
            return new ModelClientException(FailureClass.TRUNCATED_STREAM,
                    "connection lost while reading the response: " + scrub(describe(io)), status, null, error);
        }
        return new ModelClientException(FailureClass.CONNECT_ERROR,
                "connection failed before a response: " + scrub(describe(io)) + (guard.reconnects == 0 ? ""
                        : " (also after " + guard.reconnects + " re-send(s) on a fresh connection)"), null, null, error);
    }

    private ModelClientException httpFailure(OpenAIServiceException http) {
        int status = http.statusCode();
        String message = "HTTP " + status + ": " + serverText(http);
        if (status == 429) {
            return new ModelClientException(FailureClass.HTTP_429, message, status, retryAfter.of(http.headers()), http);
        }
        if (status >= 500) {
            return new ModelClientException(FailureClass.HTTP_5XX, message, status, retryAfter.of(http.headers()), http);
        }
        if (status >= 400) {
            return new ModelClientException(FailureClass.HTTP_4XX, message, status, null, http);
        }
        return new ModelClientException(FailureClass.INVALID_RESPONSE, "unexpected " + message, status, null, http);
    }

    private String timeoutMessage(FailureClass failure, boolean probe) {
        if (probe) { // the endpoint probe: name the plan setting that fired
            return switch (failure) {
                case TIMEOUT_FIRST_TOKEN -> "no response to GET /models within the first-token timeout of "
                        + timeouts.firstToken() + " (run.timeouts.first_token)";
                case TIMEOUT_TOTAL -> "model list not complete within the total timeout of " + timeouts.total()
                        + " (run.timeouts.total)";
                case TIMEOUT_CONNECT -> "connect timed out after " + timeouts.connect() + " (run.timeouts.connect)";
                default -> failure.code();
            };
        }
        return switch (failure) {
            case TIMEOUT_FIRST_TOKEN -> "no token within the first-token timeout of " + timeouts.firstToken();
            case TIMEOUT_IDLE -> "no chunk for the idle timeout of " + timeouts.idle();
            case TIMEOUT_TOTAL -> "response not complete within the total timeout of " + timeouts.total();
            case TIMEOUT_CONNECT -> "connect timed out after " + timeouts.connect();
            default -> failure.code();
        };
    }

    /** The server's own error text: {@code error.message} of an OpenAI-shaped body, else the body itself. */
    private String serverText(OpenAIServiceException http) {
        String text = null;
        try {
            JsonValue body = http.body();
            Map<String, JsonValue> root = JsonValues.object(body);
            if (root != null) {
                JsonValue error = root.get("error");
                if (error != null) {
                    text = JsonValues.text(error);
                    Map<String, JsonValue> errorObject = JsonValues.object(error);
                    if (text == null && errorObject != null && errorObject.get("message") != null) {
                        text = JsonValues.text(errorObject.get("message"));
                    }
                }
                if (text == null && root.get("message") != null) {
                    text = JsonValues.text(root.get("message"));
                }
            }
            if (text == null) {
                text = JsonValues.text(body);
            }
            if (text == null && !body.isMissing()) {
                text = body.toString();
            }
        } catch (RuntimeException e) {
            log.debug("Cannot read the error body: {}", e.toString());
        }
        if (text == null || text.isBlank()) {
            text = String.valueOf(http.getMessage());
        }
        return scrub(text);
    }

    /** Truncates and removes the API key (the same redaction as answers), so no message can carry it. */
    String scrub(String text) {
        String s = redactor.redact(text == null ? "" : text);
        return s.length() > MAX_ERROR_TEXT ? redactor.redact(s.substring(0, MAX_ERROR_TEXT)) + "…" : s;
    }

    /** The exception's class and message, for a log line or a failure message (not yet scrubbed). */
    static String describe(Throwable error) {
        String message = error.getMessage();
        return message == null || message.isBlank()
                ? error.getClass().getSimpleName()
                : error.getClass().getSimpleName() + ": " + message;
    }

    private static <T extends Throwable> T find(Throwable error, Class<T> type) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static boolean has(Throwable error, Class<? extends Throwable> type) {
        return find(error, type) != null;
    }

    /** The first I/O error in the chain that is not a JSON parse error. */
    private static IOException findIo(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IOException io && !(t instanceof JacksonException)) {
                return io;
            }
        }
        return null;
    }
}
