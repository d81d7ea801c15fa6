package dev.nightbench.dashboard;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.UriComponentsBuilder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;

/**
 * The dashboard's one door when {@code nightbench.serve.token} is set: a request passes with
 * {@code Authorization: Bearer TOKEN} (scripts, curl), or with {@code ?token=TOKEN}, which a browser needs once: the
 * answer is a redirect to the same address without the token that sets an HttpOnly, same-site cookie standing for
 * it, so the links a person then copies never carry the secret, and the token stays out of the address bar, the
 * history and any {@code Referer}. Anything else gets 401. Comparisons take the same time whatever the guess (digests
 * compared with {@link MessageDigest#isEqual}); the token is never logged or echoed.
 *
 * <p>Left open, GET and HEAD only: {@code /actuator/health} (and its groups) and {@code /actuator/prometheus},
 * read-only health and metrics that monitoring scrapes without a browser's cookie. Every other path, any other
 * actuator endpoint included, needs the token.
 */
final class TokenFilter extends OncePerRequestFilter {

    static final String COOKIE = "nightbench_dashboard";
    static final String PARAMETER = "token";
    private static final Set<String> OPEN = Set.of("/actuator/health", "/actuator/prometheus");

    private final DashboardSettings settings;
    private final byte[] tokenDigest;
    private final String cookieValue;

    TokenFilter(DashboardSettings settings) {
        this.settings = settings;
        this.tokenDigest = settings.tokenRequired() ? sha256(settings.token()) : null;
        this.cookieValue = settings.tokenRequired() ? HexFormat.of().formatHex(sha256("cookie\0" + settings.token()))
                : null;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!settings.tokenRequired() || open(request) || bearer(request) || cookie(request)) {
            chain.doFilter(request, response);
            return;
        }
        String given = request.getParameter(PARAMETER);
        if (given != null && matches(given) && ("GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod()))) {
            String raw = request.getRequestURI() + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
            String location = UriComponentsBuilder.fromUriString(raw).replaceQueryParam(PARAMETER).build(true)
                    .toUriString();
            response.addHeader(HttpHeaders.SET_COOKIE, ResponseCookie.from(COOKIE, cookieValue).httpOnly(true)
                    .sameSite("Strict").path("/").build().toString());
            response.setHeader(HttpHeaders.LOCATION, location);
            response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
            response.setStatus(HttpServletResponse.SC_SEE_OTHER);
            return;
        }
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"nightbench\"");
        response.setContentType("text/plain;charset=UTF-8");
        response.getWriter().println("Nightbench dashboard: a token is required (nightbench.serve.token). Send "
                + "'Authorization: Bearer TOKEN', or open any page once with ?token=TOKEN in a browser.");
    }

    private static boolean open(HttpServletRequest request) {
        String method = request.getMethod();
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return ("GET".equals(method) || "HEAD".equals(method))
                && (OPEN.contains(path) || path.startsWith("/actuator/health/"));
    }

    private boolean bearer(HttpServletRequest request) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) && matches(header.substring(7).strip());
    }

    private boolean cookie(HttpServletRequest request) {
        if (request.getCookies() == null) {
            return false;
        }
        for (Cookie c : request.getCookies()) {
            if (COOKIE.equals(c.getName()) && MessageDigest.isEqual(
                    c.getValue().getBytes(StandardCharsets.UTF_8), cookieValue.getBytes(StandardCharsets.UTF_8))) {
                return true;
            }
        }
        return false;
    }

    private boolean matches(String given) {
        return MessageDigest.isEqual(sha256(given), tokenDigest);
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
