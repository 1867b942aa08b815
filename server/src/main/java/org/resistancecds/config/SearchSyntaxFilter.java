package org.resistancecds.config;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.util.UrlUtil;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.apache.commons.lang3.StringUtils;
import org.resistancecds.cds.CdsErrorBody;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses (400) a request whose search parameters break {@link SearchSyntax}, before HAPI widens its result: a
 * search's, a conditional write's and an {@code If-None-Exist} header's (a form body's parameters are read by
 * {@link FormBodyRequest}), and a history's ({@link HistoryParameters}). A POST {@code _search} with a body of another
 * type is 415.
 */
public class SearchSyntaxFilter extends OncePerRequestFilter {

    private final FhirContext fhirContext;
    private final SearchSyntax syntax;

    public SearchSyntaxFilter(FhirContext fhirContext, SearchSyntax.Parameters parameters) {
        this.fhirContext = fhirContext;
        this.syntax = new SearchSyntax(fhirContext, parameters);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = StringUtils.removeStart(
                FhirWriteBodies.routedPath(request), FhirRestfulServerConfig.FHIR_PATH + "/");
        String resourceType = SearchSyntax.searchedType(path);
        boolean searchPost = resourceType != null && path.endsWith("/_search") && "POST".equals(request.getMethod());
        if (searchPost && !FormBodyRequest.isForm(request) && request.getContentType() != null
                && request.getContentLengthLong() != 0) {
            // HAPI read such a body as no parameters and searched everything.
            CdsErrorBody.write(request, response, fhirContext, HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE,
                    "A POST _search takes its parameters in the URL or in a form body (" + FormBodyRequest.FORM
                            + "), not as " + request.getContentType() + ".");
            return;
        }
        String fault = syntax.fault(resourceType, request.getParameterMap());
        if (fault == null) {
            fault = HistoryParameters.fault(path, request.getParameterMap().keySet());
        }
        String ifNoneExist = request.getHeader("If-None-Exist");
        if (fault == null && ifNoneExist != null && resourceType != null) {
            String query = ifNoneExist.substring(ifNoneExist.indexOf('?') + 1);
            try {
                String headerFault = syntax.fault(resourceType, UrlUtil.parseQueryString(query));
                fault = headerFault == null ? null : "If-None-Exist: " + headerFault;
            } catch (IllegalArgumentException e) {
                fault = "If-None-Exist is not valid percent-encoding (" + e.getMessage() + "); encode % as %25.";
            }
        }
        if (fault != null) {
            CdsErrorBody.write(request, response, fhirContext, HttpServletResponse.SC_BAD_REQUEST, fault);
            return;
        }
        chain.doFilter(request, response);
    }
}
