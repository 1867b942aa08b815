package org.resistancecds.cds;

import ca.uhn.hapi.fhir.cdshooks.api.json.CdsServiceIndicatorEnum;
import ca.uhn.hapi.fhir.cdshooks.api.json.CdsServiceResponseCardJson;
import ca.uhn.hapi.fhir.cdshooks.api.json.CdsServiceResponseCardSourceJson;
import ca.uhn.hapi.fhir.cdshooks.api.json.CdsServiceResponseJson;
import org.resistancecds.cds.prefetch.PatientData;
import org.resistancecds.cds.request.HookRequest;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * The benchmark's floor: a patient-view service with the same prefetch as the resistance service that answers
 * one fixed card without evaluating anything. It exists only under the {@code bench} profile, so the
 * transport's own cost can be measured in the same run as the real service.
 */
@Component
@Profile("bench")
public class HelloCdsService implements CdsService {

    private static final CdsServiceDefinition DEFINITION = new CdsServiceDefinition(
            "hello",
            "patient-view",
            "Hello (benchmark floor)",
            "Answers one fixed card; for measuring the CDS transport without the engine.",
            ResistanceCdsService.PREFETCH,
            null);

    @Override
    public CdsServiceDefinition definition() {
        return DEFINITION;
    }

    @Override
    public CdsServiceResponseJson call(HookRequest request, PatientData data) {
        CdsServiceResponseJson response = new CdsServiceResponseJson();
        response.addCard(new CdsServiceResponseCardJson()
                .setSummary("Hello, patient " + request.context().patientId())
                .setIndicator(CdsServiceIndicatorEnum.INFO)
                .setSource(new CdsServiceResponseCardSourceJson().setLabel("Benchmark")));
        return response;
    }
}
