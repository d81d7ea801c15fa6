package dev.nightbench.client.openai;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.LogLevel;
import dev.nightbench.client.ConnectionPolicy;
import okhttp3.ConnectionPool;
import okhttp3.EventListener;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;

import javax.net.SocketFactory;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The openai-java client of one endpoint and the OkHttp client lent to it, built the way the measurements need:
 * <ul>
 *   <li><b>no retries</b> (the job owns them): the SDK's retries are off, and with our own OkHttp client lent to it
 *       the SDK turns OkHttp's retries on connection failure off too;</li>
 *   <li><b>no read, write or call timeouts</b> in OkHttp, only its connect timeout: the {@link Watchdog} enforces
 *       every wait (see there why);</li>
 *   <li><b>pooling</b> ({@link ConnectionPolicy}): {@code KEEP_ALIVE} pools up to {@value #MAX_IDLE_CONNECTIONS}
 *       idle connections, dropped after {@value #KEEP_ALIVE_SECONDS} s, shorter than the 5 s keep-alive of uvicorn
 *       (vLLM) and cpp-httplib (llama.cpp), so a request is not sent on a connection the server is closing;
 *       {@code CLOSE} keeps no idle connection, so each request opens its own (its TTFT then includes the
 *       connect);</li>
 *   <li>our {@link CallInterceptor} in the SDK's chain and our {@link ConnectionEvents} on OkHttp, which tell a
 *       stale pooled connection from a server that failed; no SDK logging, telemetry or response validation.</li>
 * </ul>
 */
final class SdkClients implements AutoCloseable {

    /** The SDK wants a key; an endpoint without one gets this (a server that checks none ignores it). */
    static final String NO_API_KEY = "unused";
    static final int MAX_IDLE_CONNECTIONS = 256;
    static final int KEEP_ALIVE_SECONDS = 4;

    private final OkHttpClient okHttp;
    private final OpenAIClient sdk;

    /** The connection pool for a policy; handed to {@link CallInterceptor} too, which empties it of stale ones. */
    static ConnectionPool pool(ConnectionPolicy connection) {
        return new ConnectionPool(connection == ConnectionPolicy.CLOSE ? 0 : MAX_IDLE_CONNECTIONS,
                KEEP_ALIVE_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * @param baseUrl        endpoint base URL including {@code /v1}
     * @param apiKeyOrNull   the key, or null when the endpoint needs none
     * @param connectTimeout OkHttp's connect timeout
     * @param sockets        where connections come from, or null for the network (the class warm-up's in-memory
     *                       sockets)
     */
    SdkClients(URI baseUrl, String apiKeyOrNull, Duration connectTimeout, ConnectionPool pool,
               Interceptor interceptor, EventListener.Factory events, SocketFactory sockets) {
        OkHttpClient.Builder builder = new OkHttpClient.Builder()
                .connectTimeout(connectTimeout)
                .readTimeout(Duration.ZERO)     // off: the watchdog enforces every wait
                .writeTimeout(Duration.ZERO)
                .callTimeout(Duration.ZERO)
                .connectionPool(pool)
                .eventListenerFactory(events);
        if (sockets != null) {
            builder.socketFactory(sockets);
        }
        this.okHttp = builder.build();
        this.sdk = OpenAIOkHttpClient.builder()
                .baseUrl(baseUrl.toString())
                .apiKey(apiKeyOrNull == null ? NO_API_KEY : apiKeyOrNull)
                .maxRetries(0)
                .disableTelemetry(true)
                .logLevel(LogLevel.OFF)
                .responseValidation(false)
                .okHttpClient(okHttp)
                .addInterceptor(interceptor)
                .build();
    }

    OpenAIClient sdk() {
        return sdk;
    }

    @Override
    public void close() {
        sdk.close();
        okHttp.dispatcher().executorService().shutdown(); // lent to the SDK, so closed here
        okHttp.connectionPool().evictAll();
    }
}
