package org.resistancecds.config;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Leaves out the {@code Location} and {@code Content-Location} headers HAPI sends that name nothing the client
 * asked for:
 * <ul>
 *   <li>those derived from the id of a Bundle that was never stored (a transaction or batch response, a history, an
 *       operation's result): HAPI named them {@code Bundle/<random id>}, which answers 404, and sent
 *       {@code Location} with a transaction's 200 as if it had created a Bundle. Requests on {@code /fhir/Bundle},
 *       where a Bundle is a stored resource, keep them;</li>
 *   <li>those of a DELETE, which named the version before the delete, as if that were still current.</li>
 * </ul>
 */
public class MisleadingLocation extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        boolean delete = "DELETE".equals(request.getMethod());
        if (!delete && (path.equals(FhirRestfulServerConfig.FHIR_PATH + "/Bundle")
                || path.startsWith(FhirRestfulServerConfig.FHIR_PATH + "/Bundle/"))) {
            chain.doFilter(request, response);
            return;
        }
        chain.doFilter(request, new HttpServletResponseWrapper(response) {
            @Override
            public void setHeader(String name, String value) {
                if (!misleads(name, value, delete)) {
                    super.setHeader(name, value);
                }
            }

            @Override
            public void addHeader(String name, String value) {
                if (!misleads(name, value, delete)) {
                    super.addHeader(name, value);
                }
            }
        });
    }

    private static boolean misleads(String name, String value, boolean delete) {
        return ("Location".equalsIgnoreCase(name) || "Content-Location".equalsIgnoreCase(name))
                && (delete || value != null && value.contains("/Bundle/"));
    }
}
