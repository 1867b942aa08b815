package org.resistancecds.config;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Locale;
import java.util.Set;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Hands HAPI {@code Content-Type} and {@code Accept} in lower case: media types are case-insensitive (RFC 9110), but
 * HAPI matched them as written, so {@code APPLICATION/FHIR+XML} was a 415 as a body's type and answered in JSON as
 * the one asked for. FHIR's media types carry no parameter whose case matters.
 */
public class MediaTypeCase extends OncePerRequestFilter {

    private static final Set<String> HEADERS = Set.of("content-type", "accept");

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!hasUpperCase(request.getContentType()) && !hasUpperCase(request.getHeader("Accept"))) {
            chain.doFilter(request, response);
            return;
        }
        chain.doFilter(new HttpServletRequestWrapper(request) {
            @Override
            public String getContentType() {
                return lower(super.getContentType());
            }

            @Override
            public String getHeader(String name) {
                String value = super.getHeader(name);
                return HEADERS.contains(name.toLowerCase(Locale.ROOT)) ? lower(value) : value;
            }

            @Override
            public Enumeration<String> getHeaders(String name) {
                if (!HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                    return super.getHeaders(name);
                }
                return Collections.enumeration(Collections.list(super.getHeaders(name)).stream()
                        .map(MediaTypeCase::lower).toList());
            }
        }, response);
    }

    private static boolean hasUpperCase(String value) {
        return value != null && !value.equals(value.toLowerCase(Locale.ROOT));
    }

    private static String lower(String value) {
        return value == null ? null : value.toLowerCase(Locale.ROOT);
    }
}
