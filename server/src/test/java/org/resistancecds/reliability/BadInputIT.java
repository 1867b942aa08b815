package org.resistancecds.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.resistancecds.AbstractServerIT;

/**
 * Bad input to the FHIR endpoint gets a 4xx with an OperationOutcome that says why, never a 500, a hang or
 * a stack trace; concurrent updates are refused rather than lost.
 */
class BadInputIT extends AbstractServerIT {

    private static final String JSON = "application/fhir+json";
    private static final String XML = "application/fhir+xml";

    static Stream<Arguments> badWrites() {
        return Stream.of(
                Arguments.of("malformed JSON", "/fhir/Patient", JSON, "{\"resourceType\":\"Patient\",", 400),
                Arguments.of("malformed XML", "/fhir/Patient", XML, "<Patient xmlns=\"http://hl7.org/fhir\"><name>", 400),
                Arguments.of("resourceType differs from the URL", "/fhir/Patient", JSON,
                        "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"}}", 400),
                Arguments.of("unknown resourceType", "/fhir/Patient", JSON, "{\"resourceType\":\"Patientx\"}", 400),
                // A primitive that cannot be parsed is a 400; an unknown element parses leniently, then fails validation.
                Arguments.of("unknown element", "/fhir/Patient", JSON, "{\"resourceType\":\"Patient\",\"colour\":\"blue\"}", 422),
                Arguments.of("invalid date", "/fhir/Patient", JSON, "{\"resourceType\":\"Patient\",\"birthDate\":\"1970-13-45\"}", 400),
                Arguments.of("invalid code", "/fhir/Patient", JSON, "{\"resourceType\":\"Patient\",\"gender\":\"robot\"}", 400),
                Arguments.of("XML with an external entity", "/fhir/Patient", XML,
                        "<?xml version=\"1.0\"?><!DOCTYPE p [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
                                + "<Patient xmlns=\"http://hl7.org/fhir\"><name><family value=\"&xxe;\"/></name></Patient>", 400),
                // HAPI answers 400 (not 415), naming the content type it refused.
                Arguments.of("unsupported media type", "/fhir/Patient", "text/plain", "hello", 400),
                Arguments.of("transaction with a dangling reference", "/fhir", JSON,
                        "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":{\"resourceType\":"
                                + "\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},\"subject\":{\"reference\":"
                                + "\"Patient/does-not-exist-anywhere\"}},\"request\":{\"method\":\"POST\",\"url\":\"Observation\"}}]}",
                        400),
                Arguments.of("unknown operation", "/fhir/Patient/$no-such-operation", JSON,
                        "{\"resourceType\":\"Parameters\"}", 400));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badWrites")
    void badWriteGetsA4xxWithAnOperationOutcome(String what, String path, String type, String body, int status)
            throws Exception {
        HttpResponse<String> response = postJson(path, type, body);

        assertThat(response.statusCode()).as(what + ": " + response.body()).isEqualTo(status);
        assertThat(response.body()).contains("OperationOutcome");
        assertThat(response.body()).doesNotContain("\tat ", "root:x:0:0");
    }

    @Test
    void staleIfMatchIsRefusedAndTheNewerVersionKept() throws Exception {
        Patient patient = new Patient();
        patient.addName().setFamily("First");
        String id = fhirClient().create().resource(patient).execute().getId().getIdPart();
        String v2 = "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",\"name\":[{\"family\":\"Second\"}]}";
        String stale = "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",\"name\":[{\"family\":\"Stale\"}]}";

        HttpResponse<String> first = put("/fhir/Patient/" + id, v2, "W/\"1\"");
        HttpResponse<String> second = put("/fhir/Patient/" + id, stale, "W/\"1\"");

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(second.statusCode()).as(second.body()).isIn(409, 412);
        assertThat(fhirClient().read().resource(Patient.class).withId(id).execute().getNameFirstRep().getFamily())
                .isEqualTo("Second");
    }

    private HttpResponse<String> put(String path, String body, String ifMatch) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
                        .header("Content-Type", JSON)
                        .header("If-Match", ifMatch)
                        .PUT(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
