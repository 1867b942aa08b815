package org.resistancecds.cds;

import ca.uhn.hapi.fhir.cdshooks.api.json.CdsServiceResponseJson;
import org.resistancecds.cds.prefetch.PatientData;
import org.resistancecds.cds.request.HookRequest;

/** One CDS service: its discovery entry and how it answers a checked call whose data has been gathered. */
public interface CdsService {

    CdsServiceDefinition definition();

    /** Answers a call; the request has been checked and every prefetch key resolved. */
    CdsServiceResponseJson call(HookRequest request, PatientData data);
}
