package org.resistancecds.bulk;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Answers a bulk job's status poll with headers that fit this server:
 * <ul>
 * <li>a {@code Retry-After} of the maintenance interval: HAPI always says 120 seconds, while a job here advances one
 * step per maintenance pass (seconds apart), so a client that honours the header waited two minutes for a file ready
 * in ten seconds;</li>
 * <li>UTF-8 for the JSON manifest or error, which HAPI wrote in the servlet container's default, ISO-8859-1.</li>
 * </ul>
 */
public class PollStatusHeaders extends OncePerRequestFilter {

    private static final String RETRY_AFTER = "Retry-After";

    private final String seconds;

    public PollStatusHeaders(Duration maintenanceInterval) {
        this.seconds = Long.toString(Math.max(1, (maintenanceInterval.toMillis() + 999) / 1000));
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        // The raw URI: a client may send the operation's "$" percent-encoded.
        String uri = request.getRequestURI().replace("%24", "$");
        return !uri.endsWith("$export-poll-status") && !uri.endsWith("$import-poll-status");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        chain.doFilter(request, new HttpServletResponseWrapper(response) {
            @Override
            public void setHeader(String name, String value) {
                super.setHeader(name, RETRY_AFTER.equalsIgnoreCase(name) ? seconds : value);
            }

            @Override
            public void addHeader(String name, String value) {
                super.addHeader(name, RETRY_AFTER.equalsIgnoreCase(name) ? seconds : value);
            }
        });
    }
}
