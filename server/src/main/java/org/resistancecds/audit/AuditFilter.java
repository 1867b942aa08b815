package org.resistancecds.audit;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.resistancecds.cds.CdsHooksController;
import org.resistancecds.config.FhirRestfulServerConfig;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Records every request to the FHIR and CDS endpoints once it is answered, refused ones included: when, who
 * (from the attributes the endpoints set), what (method, path, query, interaction, resource, operation), and
 * the outcome (HTTP status). Runs outside the authentication filters so a 401 is recorded too.
 */
public final class AuditFilter extends OncePerRequestFilter {

    private final AuditLog auditLog;

    public AuditFilter(AuditLog auditLog) {
        this.auditLog = auditLog;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if ("OPTIONS".equals(request.getMethod())) {
            chain.doFilter(request, response);
            return;
        }
        Instant start = Instant.now();
        long started = System.nanoTime();
        boolean failed = true;
        try {
            chain.doFilter(request, response);
            failed = false;
        } finally {
            int status = failed && response.getStatus() < 400 ? 500 : response.getStatus();
            auditLog.append(record(request, status, start, (System.nanoTime() - started) / 1_000_000));
        }
    }

    /** One audit line; also for requests Tomcat refused, whose method and target may be missing. */
    static Map<String, Object> record(HttpServletRequest request, int status, Instant start, long millis) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("time", start.toString());
        record.put("ms", millis);
        String path = path(request);
        record.put("channel", channel(path));
        put(record, "subject", request.getAttribute(AuditAttributes.SUBJECT));
        put(record, "client", request.getAttribute(AuditAttributes.CLIENT));
        put(record, "patient", request.getAttribute(AuditAttributes.PATIENT));
        record.put("remote", request.getRemoteAddr());
        put(record, "method", request.getMethod());
        put(record, "path", path);
        String query = request.getQueryString();
        if (query != null) {
            // Credentials never go into the log, even when a client puts them in the URL.
            record.put("query", QueryMasking.mask(query));
        }
        put(record, "action", request.getAttribute(AuditAttributes.ACTION));
        put(record, "resourceType", request.getAttribute(AuditAttributes.RESOURCE_TYPE));
        put(record, "resourceId", request.getAttribute(AuditAttributes.RESOURCE_ID));
        put(record, "operation", request.getAttribute(AuditAttributes.OPERATION));
        record.put("status", status);
        record.put("outcome", outcome(status));
        return record;
    }

    private static String path(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String contextPath = request.getContextPath();
        if (uri == null || uri.isEmpty()) {
            return null;
        }
        return contextPath != null && uri.startsWith(contextPath) ? uri.substring(contextPath.length()) : uri;
    }

    /** {@code fhir} or {@code cds} by the path; {@code http} for a target that is neither or could not be read. */
    static String channel(String path) {
        if (path == null) {
            return "http";
        }
        if (path.startsWith(CdsHooksController.BASE)) {
            return "cds";
        }
        return path.startsWith(FhirRestfulServerConfig.FHIR_PATH) ? "fhir" : "http";
    }

    static String outcome(int status) {
        if (status < 400) {
            return "success";
        }
        if (status == 401) {
            return "unauthenticated";
        }
        if (status == 403) {
            return "denied";
        }
        // A client held back for its refused tokens (security.RefusedTokenLimitFilter), told apart from its mistakes.
        if (status == 429) {
            return "throttled";
        }
        return status < 500 ? "client-error" : "server-error";
    }

    private static void put(Map<String, Object> record, String name, Object value) {
        if (value != null && !value.toString().isEmpty()) {
            record.put(name, value.toString());
        }
    }
}
