package org.resistancecds.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.resistancecds.audit.AuditAttributes;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Puts the verified token's {@link FhirAccess} on the request, where the HAPI authorization rules and the audit
 * record read it (the FHIR servlet and the audit filter do not depend on Spring Security's thread-local).
 */
final class FhirAccessFilter extends OncePerRequestFilter {

    private final FhirTokenVerifier verifier;

    FhirAccessFilter(FhirTokenVerifier verifier) {
        this.verifier = verifier;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication instanceof JwtAuthenticationToken jwt) {
            FhirAccess access = verifier.access(jwt.getToken());
            request.setAttribute(FhirAccess.ATTRIBUTE, access);
            request.setAttribute(AuditAttributes.SUBJECT, access.subject());
            request.setAttribute(AuditAttributes.CLIENT, access.client());
            request.setAttribute(AuditAttributes.PATIENT, access.patient());
        }
        chain.doFilter(request, response);
    }
}
