package org.resistancecds.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.util.HapiExtensions;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Subscription;
import org.resistancecds.security.SmartScope.Permission;

/**
 * A rest-hook Subscription sends every matching resource of every patient to its endpoint, so it is a search across
 * patients that keeps running: writing one needs read and search scopes on the criteria's type at user or system
 * level. A token that could not search those resources itself (a patient-level token, or one without the type)
 * would otherwise receive them all. HAPI's payload-search-criteria extension, which sends the results of another
 * search instead of the matched resource, is refused: its search could read any type.
 */
public final class SubscriptionScope {

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
    public void created(IBaseResource resource, RequestDetails request) {
        check(resource, request);
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
    public void updated(IBaseResource previous, IBaseResource resource, RequestDetails request) {
        check(resource, request);
    }

    private static void check(IBaseResource resource, RequestDetails request) {
        FhirAccess access = request == null ? null : SmartAuthorizationInterceptor.access(request);
        if (access == null || !(resource instanceof Subscription subscription)) {
            return;
        }
        if (subscription.hasExtension(HapiExtensions.EXT_SUBSCRIPTION_PAYLOAD_SEARCH_CRITERIA)) {
            throw new ForbiddenOperationException("With access control on, a Subscription sends the matched resource "
                    + "only; the payload-search-criteria extension is not accepted.");
        }
        String criteria = subscription.getCriteria() == null ? "" : subscription.getCriteria();
        String type = criteria.split("[?/]", 2)[0];
        if ("Binary".equals(type)) {
            // Bulk Data export files are Binaries holding every patient's data of a type; a delivery is not a read
            // that ExportFileScope sees.
            throw new ForbiddenOperationException("With access control on, a Subscription may not name Binary: export "
                    + "files would be delivered without the scopes reading them needs.");
        }
        if (type.isEmpty() || !access.allowsAcrossPatients(type, Permission.READ)
                || !access.allowsAcrossPatients(type, Permission.SEARCH)) {
            throw new ForbiddenOperationException("A Subscription sends every matching " + (type.isEmpty() ? "resource" : type)
                    + " of every patient to its endpoint; it needs user- or system-level read and search scopes on "
                    + (type.isEmpty() ? "the criteria's type" : type) + ", which this token does not have.");
        }
    }
}
