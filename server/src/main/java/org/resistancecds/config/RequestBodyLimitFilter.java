package org.resistancecds.config;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.resistancecds.cds.CdsErrorBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses request bodies above {@link HttpLimitsProperties#maxRequestBody()} with 413 and an OperationOutcome,
 * before any parsing. A declared Content-Length is checked up front; a chunked body is read up to the limit
 * (the parsers would hold it in memory anyway) and refused as soon as it passes it.
 */
public class RequestBodyLimitFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(RequestBodyLimitFilter.class);

    private final FhirContext fhirContext;
    private final long limit;

    public RequestBodyLimitFilter(FhirContext fhirContext, long limit) {
        this.fhirContext = fhirContext;
        this.limit = limit;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long declared = request.getContentLengthLong();
        if (declared > limit) {
            refuse(request, response, declared + " bytes");
            return;
        }
        if (declared >= 0 || !hasBody(request)) {
            chain.doFilter(request, response);
            return;
        }
        byte[] body = readAtMost(request.getInputStream(), limit);
        if (body == null) {
            refuse(request, response, "a chunked body");
            return;
        }
        chain.doFilter(new BufferedBodyRequest(request, body), response);
    }

    private static boolean hasBody(HttpServletRequest request) {
        return request.getHeader("Transfer-Encoding") != null;
    }

    /** The body, or {@code null} when it is longer than {@code max} bytes. */
    private static byte[] readAtMost(InputStream in, long max) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(chunk)) != -1) {
            total += n;
            if (total > max) {
                return null;
            }
            out.write(chunk, 0, n);
        }
        return out.toByteArray();
    }

    private void refuse(HttpServletRequest request, HttpServletResponse response, String what) throws IOException {
        log.warn("Refused {} {}: body of {} is over the {}-byte limit", request.getMethod(), request.getRequestURI(),
                what, limit);
        String message = "The request body is larger than this server accepts (" + limit
                + " bytes; setting resistance.http.max-request-body). Split the Bundle into smaller transactions.";
        // The rest of the body is not read: tell the client the connection ends here.
        response.setHeader("Connection", "close");
        CdsErrorBody.write(request, response, fhirContext, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, message);
    }
}
