package org.resistancecds.audit;

import jakarta.servlet.ServletException;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.catalina.AccessLog;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;

/**
 * Records the requests Tomcat refuses before the application sees them (a request line it cannot parse, a
 * character the target must not hold, an invalid percent-encoding in the path, an HTTP version it does not
 * speak), which {@link AuditFilter} never sees: such requests are what a scanner or a broken client sends, and an
 * audit trail with a hole for them hides exactly those. Tomcat reports every finished request to the access logs
 * of its engine; this one keeps only those that never reached the web application.
 */
final class HttpLayerRefusalAudit extends ValveBase implements AccessLog {

    private final AuditLog auditLog;

    HttpLayerRefusalAudit(AuditLog auditLog) {
        super(true);
        this.auditLog = auditLog;
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        getNext().invoke(request, response);
    }

    @Override
    public void log(Request request, Response response, long nanos) {
        if (request.getContext() != null || response.getStatus() < 400) {
            return;
        }
        auditLog.append(record(request, response.getStatus(), nanos));
    }

    private static Map<String, Object> record(Request request, int status, long nanos) {
        long millis = nanos / 1_000_000;
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("time", Instant.now().minusMillis(millis).toString());
        record.put("ms", millis);
        // The target may be unreadable; what Tomcat could read of it decides the channel.
        String path = request.getRequestURI();
        record.put("channel", AuditFilter.channel(path));
        record.put("remote", request.getRemoteAddr());
        putIfPresent(record, "method", request.getMethod());
        putIfPresent(record, "path", path);
        String query = request.getQueryString();
        if (query != null) {
            record.put("query", QueryMasking.mask(query));
        }
        record.put("action", "http-refused");
        record.put("status", status);
        record.put("outcome", AuditFilter.outcome(status));
        return record;
    }

    private static void putIfPresent(Map<String, Object> record, String name, String value) {
        if (value != null && !value.isEmpty()) {
            record.put(name, value);
        }
    }

    // An access log is switched on with its valve; nothing of Tomcat's request attributes is used.
    @Override
    public void setRequestAttributesEnabled(boolean requestAttributesEnabled) {
    }

    @Override
    public boolean getRequestAttributesEnabled() {
        return false;
    }
}
