package org.resistancecds.config;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.resistancecds.cds.CdsErrorBody;
import org.springframework.web.filter.OncePerRequestFilter;

/** Refuses (400) a request whose search parameters break {@link SearchSyntax}, before HAPI widens its result. */
public class SearchSyntaxFilter extends OncePerRequestFilter {

    private final FhirContext fhirContext;
    private final SearchSyntax syntax;

    public SearchSyntaxFilter(FhirContext fhirContext) {
        this.fhirContext = fhirContext;
        this.syntax = new SearchSyntax(fhirContext);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String fault = syntax.fault(request.getParameterMap());
        if (fault != null) {
            CdsErrorBody.write(request, response, fhirContext, HttpServletResponse.SC_BAD_REQUEST, fault);
            return;
        }
        chain.doFilter(request, response);
    }
}
