package org.resistancecds.security;

import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizedList;
import ca.uhn.fhir.rest.server.interceptor.auth.SearchNarrowingInterceptor;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.resistancecds.security.SmartScope.Level;
import org.resistancecds.security.SmartScope.Permission;

/**
 * Confines the search of a conditional delete ({@code DELETE Observation?identifier=...}) made under patient-level
 * delete scopes to the token patient's compartment, with HAPI's narrowing of conditional URLs. HAPI searches a
 * conditional delete's URL without showing the matches to the authorization rules first (as it does for a
 * conditional create or update), and the rules then refused another patient's match with a 403, which told the
 * client that the other patient has such a resource. Narrowed, that match is not found, and the answer is HAPI's own
 * "nothing matched"; the token's own matches are deleted as before.
 */
final class ConditionalDeleteNarrowing extends SearchNarrowingInterceptor {

    ConditionalDeleteNarrowing() {
        setNarrowConditionalUrls(true);
    }

    /** Conditional deletes only: searches and conditional creates and updates keep their own checks. */
    @Override
    public void hookIncomingRequestPostProcessed(
            RequestDetails request, HttpServletRequest servletRequest, HttpServletResponse servletResponse) {
        if (request.getRestOperationType() == RestOperationTypeEnum.DELETE) {
            super.hookIncomingRequestPostProcessed(request, servletRequest, servletResponse);
        }
    }

    /** Transaction entries are left alone: HAPI would narrow their reads into searches as well. */
    @Override
    public void hookIncomingRequestPreHandled(
            ServletRequestDetails request, HttpServletRequest servletRequest, HttpServletResponse servletResponse) {}

    @Override
    protected AuthorizedList buildAuthorizedList(RequestDetails request) {
        FhirAccess access = SmartAuthorizationInterceptor.access(request);
        String type = request.getResourceName();
        if (access == null || access.patient() == null || type == null
                || access.allows(Level.USER, type, Permission.DELETE)
                || access.allows(Level.SYSTEM, type, Permission.DELETE)) {
            // No patient to confine to, or a delete scope that reaches every patient: the rules alone decide.
            return null;
        }
        return new AuthorizedList().addCompartment("Patient/" + access.patient());
    }
}
