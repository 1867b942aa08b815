package org.resistancecds.audit;

import jakarta.servlet.ServletException;
import java.io.IOException;
import java.time.Instant;
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
        request.setAttribute(AuditAttributes.ACTION, "http-refused");
        long millis = nanos / 1_000_000;
        auditLog.append(AuditFilter.record(request, response.getStatus(), Instant.now().minusMillis(millis), millis));
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
