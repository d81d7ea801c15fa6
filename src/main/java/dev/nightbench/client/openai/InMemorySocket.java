package dev.nightbench.client.openai;

import javax.net.SocketFactory;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A socket that never touches the network: connecting does nothing, writes are dropped and reads return one
 * canned response. It lets {@link ClassWarmup} run whole exchanges through the SDK and OkHttp (connection,
 * HTTP/1.1 codec, chunked body) in memory, so a fresh JVM's first real request does not load those classes
 * between t0 and its first token.
 */
final class InMemorySocket extends Socket {

    private final InputStream in;
    private boolean connected;
    private boolean closed;
    private SocketAddress remote;

    InMemorySocket(byte[] response) {
        this.in = new ByteArrayInputStream(response);
    }

    /**
     * A factory whose sockets answer the {@code responses} in turn: the first socket the first response, and so on,
     * starting over after the last.
     */
    static SocketFactory factory(byte[]... responses) {
        AtomicInteger next = new AtomicInteger();
        return new SocketFactory() {
            @Override
            public Socket createSocket() {
                return new InMemorySocket(responses[Math.floorMod(next.getAndIncrement(), responses.length)]);
            }

            @Override
            public Socket createSocket(String host, int port) {
                return createSocket();
            }

            @Override
            public Socket createSocket(String host, int port, InetAddress localHost, int localPort) {
                return createSocket();
            }

            @Override
            public Socket createSocket(InetAddress host, int port) {
                return createSocket();
            }

            @Override
            public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) {
                return createSocket();
            }
        };
    }

    @Override
    public void connect(SocketAddress endpoint, int timeout) {
        remote = endpoint;
        connected = true;
    }

    @Override
    public void connect(SocketAddress endpoint) {
        connect(endpoint, 0);
    }

    @Override
    public InputStream getInputStream() {
        return in;
    }

    @Override
    public OutputStream getOutputStream() {
        return OutputStream.nullOutputStream();
    }

    @Override
    public boolean isConnected() {
        return connected;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public synchronized void close() {
        closed = true;
    }

    @Override
    public InetAddress getInetAddress() {
        return remote instanceof InetSocketAddress a ? a.getAddress() : null;
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return remote;
    }

    @Override
    public boolean isInputShutdown() {
        return closed;
    }

    @Override
    public boolean isOutputShutdown() {
        return closed;
    }

    @Override
    public void setSoTimeout(int timeout) {
    }

    @Override
    public void setTcpNoDelay(boolean on) {
    }

    @Override
    public void shutdownInput() {
    }

    @Override
    public void shutdownOutput() {
    }
}
