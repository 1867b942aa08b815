package org.resistancecds.cds.prefetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.resistancecds.cds.CdsHooksException;
import org.resistancecds.cds.request.HookContext;

/** Prefetch token substitution and recognition of this server's own FHIR endpoint. */
class PrefetchTemplateTest {

    private final HookContext context = new HookContext("Practitioner/example", "1288992", "89284", List.of(), List.of(),
            List.of(), Map.of("userId", "Practitioner/example", "patientId", "1288992", "encounterId", "89284"));

    @Test
    void contextAndUserTokensAreFilled() {
        assertThat(PrefetchTemplate.render("Patient/{{context.patientId}}", context)).isEqualTo("Patient/1288992");
        assertThat(PrefetchTemplate.render(
                        "Observation?patient={{context.patientId}}&encounter={{context.encounterId}}", context))
                .isEqualTo("Observation?patient=1288992&encounter=89284");
        assertThat(PrefetchTemplate.render("Practitioner/{{userPractitionerId}}", context))
                .isEqualTo("Practitioner/example");
        assertThat(PrefetchTemplate.render("Observation?performer={{context.userId}}", context))
                .isEqualTo("Observation?performer=Practitioner/example");
    }

    @Test
    void aTokenTheCallCannotFillIsA412() {
        assertThatThrownBy(() -> PrefetchTemplate.render("PractitionerRole/{{userPractitionerRoleId}}", context))
                .isInstanceOf(CdsHooksException.class)
                .satisfies(e -> assertThat(((CdsHooksException) e).status()).isEqualTo(412));
    }

    @Test
    void thisServerIsRecognisedByConfiguredUrlRequestUrlOrLoopbackOnItsPort() {
        LocalFhirServer local = new LocalFhirServer(
                List.of(URI.create("https://cds.example.org/fhir"), URI.create("http://10.0.0.5:8080/fhir")), 8080, "/fhir");

        assertThat(local.isSelf(URI.create("https://CDS.example.org:443/fhir"))).isTrue();
        assertThat(local.isSelf(URI.create("http://10.0.0.5:8080/fhir/"))).isTrue();
        assertThat(local.isSelf(URI.create("http://127.0.0.1:8080/fhir"))).isTrue();
        assertThat(local.isSelf(URI.create("http://localhost:8080/fhir"))).isTrue();
        assertThat(local.isSelf(URI.create("http://localhost:9090/fhir"))).isFalse();
        assertThat(local.isSelf(URI.create("http://localhost:8080/other"))).isFalse();
        assertThat(local.isSelf(URI.create("https://ehr.example.org/fhir"))).isFalse();
    }
}
