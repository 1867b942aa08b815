package org.resistancecds.config;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Leaves out the {@code Location} and {@code Content-Location} HAPI derives from the id of a Bundle that was never
 * stored: a transaction or batch response, a history, an operation's result. HAPI named them
 * {@code Bundle/<random id>}, which answers 404, and sent {@code Location} with a transaction's 200 as if it had
 * created a Bundle. Requests on {@code /fhir/Bundle}, where a Bundle is a stored resource, keep both headers.
 */
public class UnstoredBundleLocation extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (path.equals(FhirRestfulServerConfig.FHIR_PATH + "/Bundle")
                || path.startsWith(FhirRestfulServerConfig.FHIR_PATH + "/Bundle/")) {
            chain.doFilter(request, response);
            return;
        }
        chain.doFilter(request, new HttpServletResponseWrapper(response) {
            @Override
            public void setHeader(String name, String value) {
                if (!namesABundle(name, value)) {
                    super.setHeader(name, value);
                }
            }

            @Override
            public void addHeader(String name, String value) {
                if (!namesABundle(name, value)) {
                    super.addHeader(name, value);
                }
            }
        });
    }

    private static boolean namesABundle(String name, String value) {
        return ("Location".equalsIgnoreCase(name) || "Content-Location".equalsIgnoreCase(name))
                && value != null && value.contains("/Bundle/");
    }
}
