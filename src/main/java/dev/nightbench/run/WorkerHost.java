package dev.nightbench.run;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The name this process stores in {@code requests.worker_host}: {@code NIGHTBENCH_WORKER_HOST} (or the system
 * property {@code nightbench.worker-host}) when set, so two workers on one machine, or pods behind one node, can be
 * told apart; else the machine's host name. Read once per process: it names the process, not a run.
 */
final class WorkerHost {

    static final String ENV = "NIGHTBENCH_WORKER_HOST";
    static final String PROPERTY = "nightbench.worker-host";

    private static final String NAME = resolve();

    private WorkerHost() {
    }

    static String name() {
        return NAME;
    }

    private static String resolve() {
        String configured = System.getProperty(PROPERTY, System.getenv(ENV));
        if (configured != null && !configured.isBlank()) {
            return configured.strip();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            String host = System.getenv("HOSTNAME");
            return host == null || host.isBlank() ? "unknown" : host;
        }
    }
}
