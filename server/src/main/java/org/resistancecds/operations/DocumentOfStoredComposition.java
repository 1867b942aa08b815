package org.resistancecds.operations;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;

/**
 * {@code Composition/[id]/$document} for a Composition that is not stored answers 404 (410 for a deleted one, also
 * when the URL names one of its versions), as a read of it would; HAPI answered 200 with an empty document Bundle.
 */
public class DocumentOfStoredComposition {

    private final DaoRegistry daoRegistry;

    public DocumentOfStoredComposition(DaoRegistry daoRegistry) {
        this.daoRegistry = daoRegistry;
    }

    /** After HAPI's authorization check (order 200): only a client allowed the operation learns what is stored. */
    @Hook(value = Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED, order = 300)
    public void requireStoredComposition(RequestDetails request) {
        if (!"$document".equals(request.getOperation()) || !"Composition".equals(request.getResourceName())
                || request.getId() == null || !request.getId().hasIdPart()) {
            return;
        }
        // Throws HAPI's own 404 or 410, naming the id. The Composition as it is now: a version named in the URL
        // (Composition/x/_history/1/$document) of a deleted one still exists, and HAPI assembled nothing from it.
        daoRegistry.getResourceDao("Composition").read(request.getId().toVersionless(), new SystemRequestDetails());
    }
}
