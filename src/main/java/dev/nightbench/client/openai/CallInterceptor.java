package dev.nightbench.client.openai;

import dev.nightbench.client.ConnectionPolicy;
import dev.nightbench.client.NanoClock;
import dev.nightbench.client.ResponseObserver;
import okhttp3.Call;
import okhttp3.ConnectionPool;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * Runs inside OkHttp for every call of one client: ties the call to its {@link CallGuard}, strips the internal
 * {@link Watchdog#CALL_HEADER}, asks for {@code Connection: close} under that policy, reads t0, and re-sends a
 * request that a stale pooled connection lost.
 *
 * <p><b>t0</b> is read here, once the SDK has built the HTTP request and serialised its body: what remains after it
 * is OkHttp taking a pooled connection (or connecting) and writing the bytes (METRICS.md: t0 is "after the request
 * body is built"). Reading t0 before handing the parameters to the SDK instead charged the SDK's own request
 * building to TTFT; the timing benchmark ({@code bench/README.md}) measured that as most of the TTFT error at
 * concurrency 1.
 *
 * <p><b>Stale connections: a re-send, not a retry.</b> Some servers close a connection right after a streamed answer
 * while advertising keep-alive (llama.cpp's {@code llama-server}); OkHttp checks a pooled connection's health only
 * after 10 s idle, so the next request goes out on the dead connection and fails with "unexpected end of stream" or
 * a reset. Such a request never reached the model. When an exchange fails on a <em>reused</em> pooled connection
 * (OkHttp opened no connection for it: {@link ConnectionEvents}) before the response headers arrived, and no
 * timeout or cancellation caused it, this interceptor drops the pool's idle connections (probably closed too) and
 * sends the request again at once on a fresh connection, at most {@value #MAX_RECONNECTS} times; it tells the
 * observer ({@link ResponseObserver#onReconnect}), and the job stores it as a reconnect, not as a failed attempt
 * (METRICS.md). <b>t0 of a re-sent request</b> is the instant the interceptor hands the re-send to OkHttp (what
 * follows is the connect and the write, as for any request on a new connection): t0 is the send of the request the
 * model answered, and the lost send's few hundred microseconds belong to no figure. The timeouts restart there too.
 * A failure on a fresh connection, after the headers, or past the bound stays a {@code CONNECT_ERROR} (or
 * {@code TRUNCATED_STREAM}) for the job's retry policy. "Before any byte of the response" is read as "before the
 * status line and headers were complete": OkHttp reports no finer event, and a server that dies half-way through a
 * status line has not answered either.
 */
final class CallInterceptor implements Interceptor {

    private static final Logger log = LoggerFactory.getLogger(CallInterceptor.class);

    /** Re-sends of one request after stale pooled connections; beyond them the failure is a real connect_error. */
    static final int MAX_RECONNECTS = 2;

    private final Watchdog watchdog;
    private final ConnectionPolicy connection;
    private final NanoClock clock;
    private final ConnectionPool pool;

    /**
     * @param pool  the pool of the client's OkHttp client, emptied of its idle connections when one proved stale
     * @param clock the nano-time source of t0
     */
    CallInterceptor(Watchdog watchdog, ConnectionPolicy connection, NanoClock clock, ConnectionPool pool) {
        this.watchdog = watchdog;
        this.connection = connection;
        this.clock = clock;
        this.pool = pool;
    }

    /** The connection state of one of this client's calls, or null for a call that is not ours. */
    ConnectionEvents.Use connectionUse(Call call) {
        CallGuard guard = watchdog.guardOf(call.request());
        return guard == null ? null : guard.use;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        CallGuard guard = watchdog.guardOf(request);
        if (request.header(Watchdog.CALL_HEADER) != null || connection == ConnectionPolicy.CLOSE) {
            Request.Builder builder = request.newBuilder().removeHeader(Watchdog.CALL_HEADER);
            if (connection == ConnectionPolicy.CLOSE) {
                builder.header("Connection", "close");
            }
            request = builder.build();
        }
        if (guard == null) {
            return chain.proceed(request);
        }
        guard.attach(chain.call());
        // t0: the SDK has built the request and serialised its body (its length is already known); what
        // follows is OkHttp taking a connection and writing the bytes
        guard.reportSent(clock.nanoTime());
        while (true) {
            guard.use.reset();
            Response response;
            try {
                response = chain.proceed(request);
            } catch (IOException e) {
                if (!lostOnStaleConnection(guard, request)) {
                    throw e;
                }
                // the server closes idle connections (llama-server after every answer): the other pooled ones are
                // probably closed too, so the re-send opens a fresh connection
                pool.evictAll();
                log.debug("Request lost on a reused connection before any response ({}); re-sending on a fresh one",
                        FailureClassifier.describe(e));
                guard.reconnected(clock.nanoTime());
                continue;
            }
            guard.status = response.code();
            guard.contentType = response.header("Content-Type");
            guard.responseStarted = true;
            return response;
        }
    }

    /**
     * True when the exchange that just failed went over a pooled connection and no response arrived: the server had
     * closed that connection, never saw the request, and it may be sent again at once (at most
     * {@value #MAX_RECONNECTS} times; a timeout, a cancellation or a body that cannot be sent twice never are).
     */
    private static boolean lostOnStaleConnection(CallGuard guard, Request request) {
        return guard.reconnects < MAX_RECONNECTS
                && guard.use.reused() && !guard.use.headersReceived
                && guard.tripped() == null && !Thread.currentThread().isInterrupted()
                && (guard.call() == null || !guard.call().isCanceled())
                && (request.body() == null || !request.body().isOneShot());
    }
}
