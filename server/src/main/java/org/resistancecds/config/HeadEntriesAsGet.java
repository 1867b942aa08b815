package org.resistancecds.config;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;

/**
 * A batch or transaction entry with method HEAD, which FHIR R4 allows, is run as the GET it stands for and answered
 * without the resource, as HTTP answers HEAD; HAPI failed the entry with 400 ("Unable to handle verb in transaction:
 * HEAD"). A read keeps what HEAD's headers would carry, its ETag and Last-Modified, in the entry's response. The
 * method is changed before the access rules see the Bundle, so a HEAD entry is authorised as a GET is (its read is
 * checked when it runs; a denied one answers 403 in its entry): a HEAD tells nothing a GET would not.
 */
public class HeadEntriesAsGet {

    private static final String HEAD_ENTRIES = HeadEntriesAsGet.class.getName();

    /** Before the authorization interceptor's check of the entries (order 0). */
    @Hook(value = Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED, order = -100)
    public void runAsGet(RequestDetails request) {
        if (request.getRestOperationType() != RestOperationTypeEnum.TRANSACTION
                || !(request.getResource() instanceof Bundle requests)) {
            return;
        }
        List<Integer> heads = new ArrayList<>();
        for (int index = 0; index < requests.getEntry().size(); index++) {
            Bundle.BundleEntryRequestComponent entry = requests.getEntry().get(index).getRequest();
            if (entry.getMethod() == Bundle.HTTPVerb.HEAD) {
                entry.setMethod(Bundle.HTTPVerb.GET);
                heads.add(index);
            }
        }
        if (!heads.isEmpty()) {
            request.getUserData().put(HEAD_ENTRIES, heads);
        }
    }

    /** Whether the transaction entry at this index was sent as HEAD. */
    static boolean wasHead(RequestDetails request, int index) {
        return request != null && request.getUserData().get(HEAD_ENTRIES) instanceof List<?> heads
                && heads.contains(index);
    }

    @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
    public boolean answerWithoutBodies(RequestDetails request, ResponseDetails response) {
        if (request.getUserData().get(HEAD_ENTRIES) instanceof List<?> heads
                && response.getResponseResource() instanceof Bundle answer) {
            for (Object index : heads) {
                if ((Integer) index < answer.getEntry().size()) {
                    withoutBody(answer.getEntry().get((Integer) index));
                }
            }
        }
        return true;
    }

    /** What HEAD's headers would say of a read resource stays: its version as the ETag, and when it changed. */
    private static void withoutBody(Bundle.BundleEntryComponent entry) {
        Resource resource = entry.getResource();
        if (resource != null && !(resource instanceof Bundle) && resource.hasMeta()) {
            Bundle.BundleEntryResponseComponent response = entry.getResponse();
            if (!response.hasEtag() && resource.getMeta().hasVersionId()) {
                response.setEtag("W/\"" + resource.getMeta().getVersionId() + "\"");
            }
            if (!response.hasLastModified() && resource.getMeta().hasLastUpdated()) {
                response.setLastModified(resource.getMeta().getLastUpdated());
            }
        }
        entry.setResource(null);
    }
}
