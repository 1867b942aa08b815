package org.resistancecds.security;

import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizedList;
import ca.uhn.fhir.rest.server.interceptor.auth.SearchNarrowingInterceptor;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.BundleEntryRequestComponent;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.resistancecds.security.SmartScope.Permission;

/**
 * Confines the search of a conditional write ({@code DELETE Observation?identifier=...}, {@code If-None-Exist},
 * {@code PUT Observation?identifier=...}) made under patient-level write scopes alone to the token patient's
 * compartment, with HAPI's narrowing of conditional URLs. HAPI searches a conditional delete's URL without showing
 * the matches to the authorization rules first, and the rules then refused another patient's match with a 403,
 * which told the client that the other patient has such a resource. Narrowed, that match is not found, and the
 * answer is HAPI's own "nothing matched"; the token's own matches are deleted as before.
 */
final class ConditionalWriteNarrowing extends SearchNarrowingInterceptor {

    /** The conditional writes narrowed, with the permission whose patient-level grant alone confines them. */
    private static final Map<RestOperationTypeEnum, Permission> PERMISSIONS = Map.of(
            RestOperationTypeEnum.DELETE, Permission.DELETE,
            RestOperationTypeEnum.CREATE, Permission.CREATE,
            RestOperationTypeEnum.UPDATE, Permission.UPDATE);

    ConditionalWriteNarrowing() {
        setNarrowConditionalUrls(true);
    }

    /**
     * Conditional writes only (searches keep their own checks): deletes, and creates and updates too, whose search
     * HAPI counts before the matches are checked, so one of the token patient's and one of another patient's
     * answered 409 "several matches" where the token patient's alone answered 200, telling that the other patient
     * has such a resource.
     */
    @Override
    public void hookIncomingRequestPostProcessed(
            RequestDetails request, HttpServletRequest servletRequest, HttpServletResponse servletResponse) {
        if (PERMISSIONS.containsKey(request.getRestOperationType())) {
            super.hookIncomingRequestPostProcessed(request, servletRequest, servletResponse);
        }
    }

    /**
     * A transaction or batch whose only conditional entries are deletes, and which reads nothing, gets the same:
     * HAPI narrows every entry of a Bundle, which would turn reads into searches and confine conditional creates
     * and updates that a wider write scope lets reach other patients. Other Bundles are left to the rules (a
     * conditional delete entry matching another patient's resource is then refused with 403).
     */
    @Override
    public void hookIncomingRequestPreHandled(
            ServletRequestDetails request, HttpServletRequest servletRequest, HttpServletResponse servletResponse) {
        if (request.getResource() instanceof Bundle bundle && !conditionalDeleteTypes(bundle).isEmpty()) {
            super.hookIncomingRequestPreHandled(request, servletRequest, servletResponse);
        }
    }

    @Override
    protected AuthorizedList buildAuthorizedList(RequestDetails request) {
        FhirAccess access = SmartAuthorizationInterceptor.access(request);
        List<String> types = request.getResourceName() != null
                ? List.of(request.getResourceName())
                : request.getResource() instanceof Bundle bundle ? conditionalDeleteTypes(bundle) : List.of();
        Permission permission = PERMISSIONS.getOrDefault(request.getRestOperationType(), Permission.DELETE);
        if (access == null || access.patient() == null || types.isEmpty()
                || types.stream().anyMatch(type -> access.allowsAcrossPatients(type, permission))) {
            // No patient to confine to, or a write scope that reaches every patient: the rules alone decide.
            return null;
        }
        return new AuthorizedList().addCompartment("Patient/" + access.patient());
    }

    /**
     * The types of a Bundle's conditional deletes, when those are its only conditional entries and it reads
     * nothing; empty otherwise.
     */
    static List<String> conditionalDeleteTypes(Bundle bundle) {
        Set<String> types = new LinkedHashSet<>();
        for (BundleEntryComponent entry : bundle.getEntry()) {
            BundleEntryRequestComponent request = entry.getRequest();
            String url = request.getUrl() == null ? "" : request.getUrl();
            boolean conditional = url.contains("?") || request.hasIfNoneExist();
            if (request.getMethod() == HTTPVerb.GET || request.getMethod() == HTTPVerb.HEAD
                    || (conditional && request.getMethod() != HTTPVerb.DELETE)) {
                return List.of();
            }
            if (conditional) {
                types.add(url.substring(0, url.indexOf('?')));
            }
        }
        return List.copyOf(types);
    }
}
