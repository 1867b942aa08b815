package org.resistancecds.config;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.PayloadTooLargeException;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;

/**
 * Bounds the work one transaction or batch may ask for, before any entry runs (413): the body limit alone let a 15 MB
 * transaction of 50,000 entries keep the heap full for minutes, and a 180 KB batch of 3,000 searches build a
 * response that ran it out (500 searches answered 58 MB). Splitting is the remedy; the cohort loader splits by
 * {@code --max-entries}.
 */
@Interceptor
public class BundleEntryLimit {

    private final int maxEntries;
    private final int maxReads;

    public BundleEntryLimit(int maxEntries, int maxReads) {
        this.maxEntries = maxEntries;
        this.maxReads = maxReads;
    }

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
    public void check(RequestDetails request, RestOperationTypeEnum operation) {
        if (operation != RestOperationTypeEnum.TRANSACTION || !(request.getResource() instanceof Bundle bundle)) {
            return;
        }
        int entries = bundle.getEntry().size();
        if (entries > maxEntries) {
            throw new PayloadTooLargeException("The Bundle has " + entries + " entries; this server takes up to "
                    + maxEntries + " in one transaction or batch (resistance.http.max-bundle-entries). Split it; "
                    + "nothing was stored.");
        }
        long reads = bundle.getEntry().stream()
                .map(entry -> entry.getRequest().getMethod())
                .filter(method -> method == HTTPVerb.GET || method == HTTPVerb.HEAD)
                .count();
        if (reads > maxReads) {
            throw new PayloadTooLargeException("The Bundle has " + reads + " read entries (GET or HEAD); this server "
                    + "answers up to " + maxReads + " in one transaction or batch (resistance.http.max-bundle-reads), "
                    + "each of which may answer a page of resources. Split it; nothing was run.");
        }
    }
}
