package dev.nightbench.client.openai;

import okhttp3.Call;
import okhttp3.Connection;
import okhttp3.EventListener;
import okhttp3.Protocol;
import okhttp3.Response;

import java.net.InetSocketAddress;
import java.net.Proxy;
import java.util.function.Function;

/**
 * Tells the client, per attempt of a call, what OkHttp did with connections: whether it opened a fresh one or took
 * a pooled one, and whether the response headers arrived. That is what decides whether a failed exchange was
 * never seen by the server (a stale pooled connection, see {@link CallInterceptor}). One listener per call, on
 * the calling thread; a call that is not the client's own (no {@link Use} found) is not observed.
 */
final class ConnectionEvents implements EventListener.Factory {

    /** What one attempt of a call did; reset before each attempt. Written and read on the calling thread. */
    static final class Use {
        volatile boolean connecting;
        volatile boolean acquired;
        volatile boolean headersReceived;
        volatile int connectionsOpened;

        void reset() {
            connecting = false;
            acquired = false;
            headersReceived = false;
        }

        /** A pooled connection was taken (none was opened for this attempt). */
        boolean reused() {
            return acquired && !connecting;
        }
    }

    private final Function<Call, Use> useOf;

    /** @param useOf the state to update for a call, or null to ignore the call */
    ConnectionEvents(Function<Call, Use> useOf) {
        this.useOf = useOf;
    }

    @Override
    public EventListener create(Call call) {
        Use use = useOf.apply(call);
        return use == null ? EventListener.NONE : new Listener(use);
    }

    private static final class Listener extends EventListener {

        private final Use use;

        Listener(Use use) {
            this.use = use;
        }

        @Override
        public void connectStart(Call call, InetSocketAddress address, Proxy proxy) {
            use.connecting = true;
        }

        @Override
        public void connectEnd(Call call, InetSocketAddress address, Proxy proxy, Protocol protocol) {
            use.connectionsOpened++;
        }

        @Override
        public void connectionAcquired(Call call, Connection connection) {
            use.acquired = true;
        }

        @Override
        public void responseHeadersEnd(Call call, Response response) {
            use.headersReceived = true;
        }
    }
}
