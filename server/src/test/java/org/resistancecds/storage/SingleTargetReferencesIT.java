package org.resistancecds.storage;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.param.ReferenceParam;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.resistancecds.AbstractServerIT;
import org.springframework.beans.factory.annotation.Autowired;

/** A REST client's search by a bare patient id reaches the storage layer with the id typed, and finds the same. */
class SingleTargetReferencesIT extends AbstractServerIT {

    @Autowired
    private IInterceptorService storageInterceptors;

    @Test
    void aRestSearchByABarePatientIdIsRunWithTheTypedIdAndFindsTheSameResources() {
        IGenericClient client = fhirClient();
        String patient = client.create().resource(new Patient()).execute().getId().getIdPart();
        for (int i = 0; i < 3; i++) {
            client.create().resource(new Observation()
                    .setStatus(Observation.ObservationStatus.FINAL)
                    .setCode(new CodeableConcept(new Coding("http://loinc.org", "94076-7", null)))
                    .setSubject(new Reference("Patient/" + patient))).execute();
        }
        SeenSearches seen = new SeenSearches();
        storageInterceptors.registerInterceptor(seen);
        try {
            Bundle bare = client.search().byUrl("Observation?patient=" + patient).returnBundle(Bundle.class).execute();
            Bundle typed = client.search().byUrl("Observation?patient=Patient/" + patient)
                    .returnBundle(Bundle.class).execute();

            assertThat(ids(bare)).hasSize(3).containsExactlyInAnyOrderElementsOf(ids(typed));
            assertThat(seen.patientValues).as("the patient parameter of both searches as the storage layer ran them")
                    .containsExactly("Patient " + patient, "Patient " + patient);
        } finally {
            storageInterceptors.unregisterInterceptor(seen);
        }
    }

    private static List<String> ids(Bundle bundle) {
        return bundle.getEntry().stream()
                .map(entry -> entry.getResource().getIdElement().toUnqualifiedVersionless().getValue()).toList();
    }

    /** Runs after the server's own hooks on the same pointcut and notes the patient parameter it was given. */
    @Interceptor
    static final class SeenSearches {
        final List<String> patientValues = new CopyOnWriteArrayList<>();

        @Hook(value = Pointcut.STORAGE_PRESEARCH_REGISTERED, order = 1000)
        public void seen(SearchParameterMap map) {
            if (map.containsKey("patient")) {
                map.get("patient").forEach(anyOf -> anyOf.forEach(value ->
                        patientValues.add(((ReferenceParam) value).getResourceType() + " "
                                + ((ReferenceParam) value).getIdPart())));
            }
        }
    }
}
