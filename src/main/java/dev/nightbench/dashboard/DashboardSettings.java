package dev.nightbench.dashboard;

/**
 * Where {@code serve}'s dashboard listens and whether it asks for a token: {@code nightbench.serve.bind},
 * {@code .port} and {@code .token} ({@code NIGHTBENCH_SERVE_BIND}, {@code NIGHTBENCH_SERVE_PORT},
 * {@code NIGHTBENCH_SERVE_TOKEN}), handed over by the CLI's settings tree so this package never sees it.
 *
 * @param bind  address to listen on (127.0.0.1 unless set)
 * @param port  port, 0 for any free one
 * @param token the token every request must carry, null for none; {@link #toString()} never shows it
 */
public record DashboardSettings(String bind, int port, String token) {

    public boolean tokenRequired() {
        return token != null && !token.isEmpty();
    }

    @Override
    public String toString() {
        return "DashboardSettings[bind=" + bind + ", port=" + port + ", token=" + (tokenRequired() ? "(set)" : "none")
                + "]";
    }
}
