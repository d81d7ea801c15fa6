package dev.nightbench.dashboard;

import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;

/**
 * The dashboard's address once its server listens (the real port when 0 was asked for), for {@code serve} to print.
 * A bean of {@code serve}'s servlet context only ({@link DashboardServer}).
 */
public final class DashboardAddress implements ApplicationListener<WebServerInitializedEvent> {

    private final DashboardSettings settings;
    private volatile int port = -1;

    DashboardAddress(DashboardSettings settings) {
        this.settings = settings;
    }

    @Override
    public void onApplicationEvent(WebServerInitializedEvent event) {
        if (event.getApplicationContext().getServerNamespace() == null) { // not a management server of its own
            port = event.getWebServer().getPort();
        }
    }

    /** E.g. {@code http://127.0.0.1:8090/}; an IPv6 address in brackets. */
    public String url() {
        String host = settings.bind().contains(":") ? "[" + settings.bind() + "]" : settings.bind();
        return "http://" + host + ":" + (port < 0 ? settings.port() : port) + "/";
    }

    public boolean tokenRequired() {
        return settings.tokenRequired();
    }

    /** What {@code serve} prints first, e.g. "Dashboard: http://127.0.0.1:8090/"; null in a context without one. */
    public static String line(ApplicationContext context) {
        DashboardAddress address = context.getBeanProvider(DashboardAddress.class).getIfAvailable();
        return address == null ? null : "Dashboard: " + address.url() + (address.tokenRequired()
                ? " (token required: 'Authorization: Bearer TOKEN', or ?token=TOKEN once in a browser)" : "");
    }
}
