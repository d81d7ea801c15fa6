package dev.nightbench.dashboard;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.server.ConfigurableWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;

/**
 * The web server of {@code serve}, which alone starts Nightbench as a servlet application: it listens where
 * {@link DashboardSettings} says (127.0.0.1 unless told otherwise) and puts the {@link TokenFilter} in front of every
 * request. An address beyond this machine without a token is refused before the server binds, so the dashboard (model
 * output, prompts, plan names) is never exposed by accident. Other commands run without a web server and without any
 * of these beans.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class DashboardServer {

    private static final Logger log = LoggerFactory.getLogger(DashboardServer.class);

    /** After Spring Boot's own {@code server.*} customizer, so {@code nightbench.serve.*} decides. */
    @Bean
    WebServerFactoryCustomizer<ConfigurableWebServerFactory> dashboardAddress(DashboardSettings settings) {
        return new AddressCustomizer(settings);
    }

    @Bean
    FilterRegistrationBean<TokenFilter> dashboardTokenFilter(DashboardSettings settings) {
        FilterRegistrationBean<TokenFilter> registration = new FilterRegistrationBean<>(new TokenFilter(settings));
        registration.addUrlPatterns("/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        registration.setName("nightbenchDashboardToken");
        return registration;
    }

    @Bean
    DashboardAddress dashboardUrl(DashboardSettings settings) {
        return new DashboardAddress(settings);
    }

    private record AddressCustomizer(DashboardSettings settings)
            implements WebServerFactoryCustomizer<ConfigurableWebServerFactory>, Ordered {

        @Override
        public void customize(ConfigurableWebServerFactory factory) {
            InetAddress address;
            try {
                address = InetAddress.getByName(settings.bind());
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("nightbench.serve.bind (NIGHTBENCH_SERVE_BIND) '" + settings.bind()
                        + "' is not an address of this machine: " + e.getMessage()); // no cause: the CLI prints the root cause
            }
            if (!address.isLoopbackAddress() && !settings.tokenRequired()) {
                throw new IllegalArgumentException("nightbench.serve.bind (NIGHTBENCH_SERVE_BIND) is " + settings.bind()
                        + ", beyond this machine, and no token is set: set NIGHTBENCH_SERVE_TOKEN (every request must "
                        + "then carry it) or bind 127.0.0.1");
            }
            if (settings.port() != 0) { // the server's own failure would say "Address already in use" alone
                try (ServerSocket probe = new ServerSocket(settings.port(), 1, address)) {
                    probe.setReuseAddress(true);
                } catch (IOException e) {
                    throw new IllegalStateException("the dashboard cannot listen on " + settings.bind() + ":"
                            + settings.port() + " (" + e.getMessage() + "): set NIGHTBENCH_SERVE_PORT to a free port, "
                            + "or 0 for any"); // no cause: the CLI prints the root cause's message
                }
            }
            factory.setAddress(address);
            factory.setPort(settings.port());
            log.info("Dashboard on {}:{}{}", settings.bind(), settings.port() == 0 ? "(any free port)" : settings.port(),
                    settings.tokenRequired() ? ", token required" : "");
        }

        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE;
        }
    }
}
