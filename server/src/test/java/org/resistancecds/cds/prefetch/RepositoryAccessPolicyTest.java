package org.resistancecds.cds.prefetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.resistancecds.cds.CdsHooksException;
import org.resistancecds.cds.request.FhirAuthorization;
import org.resistancecds.cds.request.HookContext;
import org.resistancecds.cds.request.HookRequest;
import org.resistancecds.security.FhirSecurityProperties;
import org.resistancecds.security.FhirTokenVerifier;
import org.resistancecds.security.TestIssuer;

/** A CDS call reads this server's data only within its fhirAuthorization token (keys from a loopback JWKS). */
class RepositoryAccessPolicyTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final FhirSecurityProperties SETTINGS = new FhirSecurityProperties(true, TestIssuer.ISSUER,
            TestIssuer.get().jwksUrl(), List.of(TestIssuer.AUDIENCE), List.of("RS256"), Duration.ofSeconds(60),
            "patient", "", "", List.of("Medication"));
    private static final RepositoryAccessPolicy POLICY = new RepositoryAccessPolicy(
            true, FhirTokenVerifier.of(SETTINGS), Set.of("Medication"), FHIR);

    private static final Map<String, String> QUERIES = new LinkedHashMap<>(Map.of(
            "patient", "Patient/p1",
            "observations", "Observation?patient=p1"));

    @Test
    void withoutATokenNothingIsRead() {
        assertThatThrownBy(() -> POLICY.check(call("p1", null), QUERIES))
                .isInstanceOfSatisfying(CdsHooksException.class, e -> assertThat(e.status()).isEqualTo(412))
                .hasMessageContaining("no fhirAuthorization");
    }

    @Test
    void aTokenOfAnotherIssuerIsRefused() {
        String token = TestIssuer.get().sign(TestIssuer.claims("system/*.rs").issuer("https://evil.example/").build());

        assertThatThrownBy(() -> POLICY.check(call("p1", token), QUERIES))
                .isInstanceOfSatisfying(CdsHooksException.class, e -> assertThat(e.status()).isEqualTo(412))
                .hasMessageContaining("refused");
    }

    @Test
    void aPatientTokenReadsOnlyItsPatient() {
        String token = TestIssuer.get().sign(TestIssuer.claims("patient/*.rs").claim("patient", "p2").build());

        assertThatThrownBy(() -> POLICY.check(call("p1", token), QUERIES))
                .isInstanceOfSatisfying(CdsHooksException.class, e -> assertThat(e.status()).isEqualTo(403))
                .hasMessageContaining("limited to patient p2");
    }

    @Test
    void aReadScopeWithoutSearchDoesNotCoverASearch() {
        String token = TestIssuer.get().sign(TestIssuer.claims("patient/*.r").claim("patient", "p1").build());

        assertThatThrownBy(() -> POLICY.check(call("p1", token), QUERIES))
                .isInstanceOfSatisfying(CdsHooksException.class, e -> assertThat(e.status()).isEqualTo(403))
                .hasMessageContaining("search access to Observation");
    }

    @Test
    void resultsOutsideThePatientsCompartmentAreRefusedIncludedMedicationsAreNot() {
        String token = TestIssuer.get().sign(TestIssuer.claims("patient/*.rs").claim("patient", "p1").build());
        RepositoryAccessPolicy.Grant grant = POLICY.check(call("p1", token), QUERIES);
        Patient patient = new Patient();
        patient.setId("Patient/p1");
        Observation own = new Observation();
        own.setId("Observation/o1");
        own.setSubject(new Reference("Patient/p1"));
        Medication medication = new Medication();
        medication.setId("Medication/m1");
        Bundle search = new Bundle();
        search.addEntry().setResource(own);
        search.addEntry().setResource(medication);
        Map<String, IBaseResource> results = Map.of("patient", patient, "observations", search);

        POLICY.checkResults(grant, results);

        Observation other = new Observation();
        other.setId("Observation/o2");
        other.setSubject(new Reference("Patient/p2"));
        search.addEntry().setResource(other);
        assertThatThrownBy(() -> POLICY.checkResults(grant, results))
                .isInstanceOfSatisfying(CdsHooksException.class, e -> assertThat(e.status()).isEqualTo(403))
                .hasMessageContaining("Observation/o2");
    }

    @Test
    void userAndSystemScopesReachAnyPatientAndOffMeansOpen() {
        String token = TestIssuer.get().sign(TestIssuer.claims("user/*.rs").build());

        assertThat(POLICY.check(call("p9", token), QUERIES).compartmentKeys()).isEmpty();
        RepositoryAccessPolicy off = new RepositoryAccessPolicy(false, FhirTokenVerifier.of(SETTINGS), Set.of(), FHIR);
        assertThat(off.check(call("p9", null), QUERIES).access()).isNull();
    }

    private static HookRequest call(String patientId, String token) {
        FhirAuthorization authorization =
                token == null ? null : new FhirAuthorization(token, "Bearer", 300L, "patient/*.rs", "cds", null);
        HookContext context = new HookContext("Practitioner/dr-1", patientId, null, List.of(), List.of(), List.of(),
                Map.of("patientId", patientId));
        return new HookRequest("patient-view", "h1", URI.create("http://localhost:8080/fhir"), authorization, context,
                Map.of(), Set.of());
    }
}
