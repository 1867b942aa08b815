package org.resistancecds.operations;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Quantity;
import org.junit.jupiter.api.Test;
import org.resistancecds.AbstractServerIT;

/** {@code $resistance-timeline} over HTTP, and the static page that draws it. */
class ResistanceTimelineIT extends AbstractServerIT {

    private void store(String scenario) throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/content/examples/scenarios/" + scenario + ".bundle.json")) {
            fhirClient().transaction().withBundle(fhirContext.newJsonParser().parseResource(Bundle.class, in)).execute();
        }
    }

    private static List<ParametersParameterComponent> named(Parameters parameters, String name) {
        return parameters.getParameter().stream().filter(p -> p.getName().equals(name)).toList();
    }

    private static ParametersParameterComponent part(ParametersParameterComponent parameter, String name) {
        return parameter.getPart().stream().filter(p -> p.getName().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void theTimelineOfAStoredPatient() throws Exception {
        store("serial-ctdna-emergent-jak1");
        HttpResponse<String> response = get("/fhir/Patient/sc-ser-jak1/$resistance-timeline?asOf=2024-10-01");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        // The sample the plot script is tried on (target/, not committed).
        Files.writeString(Path.of("target", "resistance-timeline-sc-ser-jak1.json"), response.body());
        Parameters timeline = fhirContext.newJsonParser().parseResource(Parameters.class, response.body());

        assertThat(named(timeline, "firstDose").get(0).getValue().primitiveValue()).isEqualTo("2023-01-10");
        assertThat(named(timeline, "therapy")).singleElement()
                .satisfies(t -> assertThat(part(t, "agent").getValue().primitiveValue()).isEqualTo("pembrolizumab"));
        assertThat(named(timeline, "response")).extracting(r -> ((Coding) part(r, "category").getValue()).getCode())
                .containsExactly("PR", "PR", "PD", "PD");
        ParametersParameterComponent jak1 = named(timeline, "variant").get(0);
        assertThat(jak1.getPart().stream().filter(p -> p.getName().equals("dynamics"))
                .map(p -> ((Coding) p.getValue()).getCode())).containsExactly("emergent", "rising");
        List<ParametersParameterComponent> samples = jak1.getPart().stream().filter(p -> p.getName().equals("sample")).toList();
        assertThat(samples).extracting(s -> ((BooleanType) part(s, "detected").getValue()).booleanValue())
                .containsExactly(false, false, true, true);
        assertThat(((Quantity) part(samples.get(3), "alleleFrequency").getValue()).getValue().doubleValue()).isEqualTo(7.4);
        assertThat(named(timeline, "status")).extracting(s -> part(s, "date").getValue().primitiveValue() + " "
                        + ((Coding) part(s, "code").getValue()).getCode())
                .containsExactly("2023-01-05 not-exposed", "2023-01-10 indeterminate", "2023-04-01 responding",
                        "2024-03-01 acquired-resistance-suspected", "2024-04-05 acquired-resistance",
                        "2024-04-20 acquired-resistance");
    }

    @Test
    void anUnknownPatientIs404AndABadOrRepeatedDateIs400() throws Exception {
        HttpResponse<String> unknown = get("/fhir/Patient/no-such-patient/$resistance-timeline");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(fhirContext.newJsonParser().parseResource(OperationOutcome.class, unknown.body()).getIssue()).isNotEmpty();
        store("serial-ctdna-notch1-emerging");
        assertThat(get("/fhir/Patient/sc-ser-notch1/$resistance-timeline?asOf=not-a-date").statusCode()).isEqualTo(400);
        HttpResponse<String> twoDates = get("/fhir/Patient/sc-ser-notch1/$resistance-timeline?asOf=2024-01-01&asOf=2024-10-01");
        assertThat(twoDates.statusCode()).isEqualTo(400);
        assertThat(twoDates.body()).contains("'asOf' may be given at most once");
    }

    @Test
    void theOperationIsInTheCapabilityStatement() {
        CapabilityStatement metadata = fhirClient().capabilities().ofType(CapabilityStatement.class).execute();
        assertThat(metadata.getRestFirstRep().getResource()).filteredOn(r -> r.getType().equals("Patient")).singleElement()
                .satisfies(r -> assertThat(r.getOperation()).extracting(o -> o.getName())
                        .contains("resistance-timeline", "evaluate-resistance"));
    }

    @Test
    void theTimelinePageAndScriptAreServedBesideTheFhirEndpoint() throws Exception {
        HttpResponse<String> page = get("/timeline/index.html");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(page.body()).contains("timeline-plot.js", "$resistance-timeline");
        HttpResponse<String> script = get("/timeline/timeline-plot.js");
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.headers().firstValue("Content-Type").orElse("")).contains("javascript");
        assertThat(script.body()).contains("TimelinePlot");
        // The FHIR endpoint is untouched by static resources.
        assertThat(get("/fhir/metadata").statusCode()).isEqualTo(200);
        assertThat(get("/fhir/timeline/index.html").statusCode()).isNotEqualTo(200);
    }

    /** The landing page links /timeline/ without a patient: the page asks for one and says how to store one. */
    @Test
    void theTimelinePageWithoutAPatientAsksForOneAndSaysHowToStoreOne() throws Exception {
        HttpClient browserLike = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
        for (String path : List.of("/timeline", "/timeline/")) {
            HttpResponse<String> page = browserLike.send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(page.statusCode()).as(path).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type").orElse("")).as(path).startsWith("text/html");
            assertThat(page.body()).as(path).contains("<form id=\"patient-form\"", "name=\"patient\"",
                    "examples/http/load-scenario.sh examples/scenarios/serial-ctdna-emergent-jak1.bundle.json",
                    "href=\"?patient=sc-ser-jak1\"", "timeline-plot.js");
        }
    }
}
