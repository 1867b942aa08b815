package org.resistancecds.storage;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.param.ReferenceParam;
import org.junit.jupiter.api.Test;

class SingleTargetReferencesTest {

    private final FhirContext fhirContext = FhirContext.forR4Cached();

    @Test
    void aBareIdOfAParameterThatCanOnlyNameAPatientGetsItsType() {
        ReferenceParam written = qualified("Observation", "patient", new ReferenceParam("abc-1"));
        assertThat(written.getResourceType()).isEqualTo("Patient");
        assertThat(written.getIdPart()).isEqualTo("abc-1");
        assertThat(qualified("MedicationRequest", "patient", new ReferenceParam("7")).getResourceType())
                .isEqualTo("Patient");
    }

    @Test
    void referencesThatAreTypedRemoteChainedMissingOrOfSeveralTypesStayAsTheyWere() {
        // subject may be a Patient, Group, Device or Location: a bare id must stay open.
        assertThat(qualified("Observation", "subject", new ReferenceParam("123")).getValue()).isEqualTo("123");
        assertThat(qualified("Observation", "patient", new ReferenceParam("Patient/123")).getValue())
                .isEqualTo("Patient/123");
        assertThat(qualified("Observation", "patient", new ReferenceParam("http://other.example/fhir/Patient/1"))
                .getBaseUrl()).isEqualTo("http://other.example/fhir");
        ReferenceParam chained = qualified("Observation", "patient", new ReferenceParam("name", "Smith"));
        assertThat(chained.getChain()).isEqualTo("name");
        assertThat(chained.getResourceType()).isNull();
        ReferenceParam missing = new ReferenceParam();
        missing.setMissing(true);
        assertThat(qualified("Observation", "patient", missing).getMissing()).isTrue();
    }

    private ReferenceParam qualified(String type, String param, ReferenceParam value) {
        SearchParameterMap map = new SearchParameterMap();
        map.add(param, value);
        SingleTargetReferences.qualify(map, fhirContext.getResourceDefinition(type));
        return (ReferenceParam) map.get(param).get(0).get(0);
    }
}
