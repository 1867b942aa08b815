package org.resistancecds.cds.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.resistancecds.cds.CdsHooksException;
import org.resistancecds.cds.CdsJson;

/** Request checks: what a well-formed call yields, and the 400 message for each kind of malformed call. */
class HookRequestParserTest {

    private static final CdsJson JSON = new CdsJson(FhirContext.forR4Cached());
    private static final Map<String, String> TEMPLATES = Map.of(
            "patient", "Patient/{{context.patientId}}",
            "observations", "Observation?patient={{context.patientId}}",
            "statements", "MedicationStatement?patient={{context.patientId}}&_include=MedicationStatement:medication");

    private final HookRequestParser parser = new HookRequestParser(JSON, 10);

    @Test
    void parsesAPatientViewCallWithPrefetch() {
        HookRequest request = parse("patient-view", """
                {"hook": "patient-view", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
                 "fhirServer": "https://ehr.example.org/fhir/",
                 "fhirAuthorization": {"access_token": "secret", "token_type": "Bearer", "expires_in": 300,
                                       "scope": "user/Patient.read", "subject": "cds-service"},
                 "context": {"userId": "Practitioner/example", "patientId": "1288992", "encounterId": "89284"},
                 "prefetch": {"patient": {"resourceType": "Patient", "id": "1288992", "birthDate": "1950-01-01",
                                          "name": [{"family": "F", "_given": [{"extension": [{"url":
                                            "http://hl7.org/fhir/StructureDefinition/data-absent-reason",
                                            "valueCode": "unknown"}]}]}],
                                          "multipleBirthInteger": "2"},
                              "observations": null,
                              "unknown": {"resourceType": "Nonsense"}}}
                """);

        assertThat(request.fhirServer()).hasToString("https://ehr.example.org/fhir");
        assertThat(request.fhirAuthorization().accessToken()).isEqualTo("secret");
        assertThat(request.fhirAuthorization().toString()).doesNotContain("secret");
        assertThat(request.context().patientId()).isEqualTo("1288992");
        assertThat(request.context().tokens()).containsEntry("encounterId", "89284");
        assertThat(request.prefetch().get("patient")).isInstanceOf(Patient.class);
        assertThat(request.prefetch()).doesNotContainKey("observations");
        assertThat(request.nullPrefetch()).containsExactly("observations");
    }

    @Test
    void aPrefetchKeyHoldingMoreResourcesThanTheServiceReadsIsRefusedBeforeItIsParsed() {
        HookRequestParser twoAtMost = new HookRequestParser(JSON, 2);
        String body = """
                {"hook": "patient-view", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "context": {"userId": "Practitioner/1", "patientId": "p1"},
                 "prefetch": {"observations": {"resourceType": "Bundle", "type": "searchset", "entry": [%s]}}}
                """;
        String entry = "{\"resource\": {\"resourceType\": \"Observation\", \"status\": \"final\", "
                + "\"code\": {\"text\": \"x\"}, \"subject\": {\"reference\": \"Patient/p1\"}}}";

        assertThat(twoAtMost.parse(tree(body.formatted(entry + "," + entry)), "patient-view", TEMPLATES)
                .prefetch()).containsKey("observations");
        assertThatThrownBy(() -> twoAtMost.parse(tree(body.formatted(entry + "," + entry + "," + entry)),
                        "patient-view", TEMPLATES))
                .isInstanceOf(CdsHooksException.class)
                .hasMessageContaining("prefetch.observations holds 3 resources")
                .hasMessageContaining("resistance.cds.prefetch.max-resources");
    }

    @Test
    void anOperationOutcomeInPrefetchCountsAsMissing() {
        HookRequest request = parse("patient-view", """
                {"hook": "patient-view", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "context": {"userId": "Practitioner/1", "patientId": "p1"},
                 "prefetch": {"observations": {"resourceType": "OperationOutcome",
                     "issue": [{"severity": "error", "code": "processing"}]}}}
                """);

        assertThat(request.prefetch()).isEmpty();
        assertThat(request.nullPrefetch()).as("an error, not a statement that there is no data").isEmpty();
    }

    @Test
    void searchBundlesMayHoldIncludesAndOutcomesAndReferToThePatientInAnyForm() {
        HookRequest request = parse("patient-view", """
                {"hook": "patient-view", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "context": {"userId": "Practitioner/1", "patientId": "p1"},
                 "prefetch": {
                   "patient": {"resourceType": "Patient", "id": "p1"},
                   "observations": {"resourceType": "Bundle", "type": "searchset", "entry": [
                     {"resource": {"resourceType": "Observation", "id": "o1", "status": "final", "code": {"text": "x"},
                                   "subject": {"reference": "https://ehr.example.org/fhir/Patient/p1"}}},
                     {"resource": {"resourceType": "Observation", "id": "o2", "status": "final", "code": {"text": "x"},
                                   "subject": {"reference": "urn:uuid:9a1c2b4e-0d3f-4c55-8a77-1f2e3d4c5b6a",
                                               "type": "Patient"}}},
                     {"fullUrl": "urn:uuid:9a1c2b4e-0d3f-4c55-8a77-1f2e3d4c5b6a",
                      "resource": {"resourceType": "Patient", "id": "p1"}, "search": {"mode": "include"}},
                     {"resource": {"resourceType": "OperationOutcome",
                                   "issue": [{"severity": "warning", "code": "informational"}]},
                      "search": {"mode": "outcome"}}]},
                   "statements": {"resourceType": "Bundle", "type": "searchset", "entry": [
                     {"resource": {"resourceType": "MedicationStatement", "id": "s1", "status": "active",
                                   "medicationReference": {"reference": "Medication/m1"},
                                   "subject": {"reference": "Patient/p1"}}},
                     {"resource": {"resourceType": "Medication", "id": "m1", "code": {"text": "pembrolizumab"}}}]}}}
                """);

        assertThat(request.prefetch()).containsOnlyKeys("patient", "observations", "statements");
    }

    @Test
    void aSelectionNamesADraftOrderByItsOwnIdWhateverItsFullUrl() {
        HookRequest request = parse("order-select", """
                {"hook": "order-select", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
                 "context": {"userId": "Practitioner/1", "patientId": "p1",
                   "selections": ["MedicationRequest/draft-1", "MedicationRequest/mr-3",
                     "urn:uuid:0c0b9a3e-77a5-4c8b-9d0e-5c1f2a3b4c5d"],
                   "draftOrders": {"resourceType": "Bundle", "type": "collection", "entry": [
                     {"fullUrl": "urn:uuid:878acb15-4ed3-4256-9f04-67ab98397cdb",
                      "resource": {"resourceType": "MedicationRequest", "id": "draft-1", "status": "draft",
                       "intent": "order", "subject": {"reference": "Patient/p1"},
                       "medicationCodeableConcept": {"text": "pembrolizumab"}}},
                     {"fullUrl": "urn:uuid:0c0b9a3e-77a5-4c8b-9d0e-5c1f2a3b4c5d",
                      "resource": {"resourceType": "MedicationRequest", "id": "draft-2", "status": "draft",
                       "intent": "order", "subject": {"reference": "Patient/p1"},
                       "medicationCodeableConcept": {"text": "carboplatin"}}},
                     {"fullUrl": "https://ehr.example.org/fhir/MedicationRequest/mr-3",
                      "resource": {"resourceType": "MedicationRequest", "status": "draft",
                       "intent": "order", "subject": {"reference": "Patient/p1"},
                       "medicationCodeableConcept": {"text": "docetaxel"}}}]}}}
                """);

        assertThat(request.context().draftOrders()).hasSize(3);
        assertThat(request.context().selectedOrders())
                .extracting(order -> ((MedicationRequest) order).getMedicationCodeableConcept().getText())
                .containsExactly("pembrolizumab", "carboplatin", "docetaxel");
        // The same order selected by its absolute fullUrl.
        HookRequest byFullUrl = parse("order-select", """
                {"hook": "order-select", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
                 "context": {"userId": "Practitioner/1", "patientId": "p1",
                   "selections": ["https://ehr.example.org/fhir/MedicationRequest/mr-3"],
                   "draftOrders": {"resourceType": "Bundle", "type": "collection", "entry": [
                     {"fullUrl": "https://ehr.example.org/fhir/MedicationRequest/mr-3",
                      "resource": {"resourceType": "MedicationRequest", "status": "draft",
                       "intent": "order", "subject": {"reference": "Patient/p1"},
                       "medicationCodeableConcept": {"text": "docetaxel"}}}]}}}
                """);
        assertThat(byFullUrl.context().selectedOrders()).hasSize(1);
        assertBadRequest("order-select", """
                {"hook": "order-select", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
                 "context": {"userId": "Practitioner/1", "patientId": "p1",
                   "selections": ["MedicationRequest/878acb15-4ed3-4256-9f04-67ab98397cdb"],
                   "draftOrders": {"resourceType": "Bundle", "type": "collection", "entry": [
                     {"fullUrl": "urn:uuid:878acb15-4ed3-4256-9f04-67ab98397cdb",
                      "resource": {"resourceType": "MedicationRequest", "id": "draft-1", "status": "draft",
                       "intent": "order", "subject": {"reference": "Patient/p1"},
                       "medicationCodeableConcept": {"text": "pembrolizumab"}}}]}}}
                """, "is not one of the resources in context.draftOrders");
    }

    /**
     * per-1 is checked on the period the service measures by, at the dates' precision and in any time zone: an end of
     * 2024-01 covers the whole month, a date-only end the whole day wherever it was written. A swapped period in an
     * element the service does not read (an address's) does not cost the call.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            2024-01-15                | 2024-01
            2024-01-15                | 2024-01-15T09:30:00+10:00
            2023-01-10T20:00:00-08:00 | 2023-01-10
            """)
    void aPeriodThatMayEndWhenItStartsIsTaken(String start, String end) {
        HookRequest request = parse("patient-view", """
                {"hook": "patient-view", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
                 "context": {"userId": "Practitioner/1", "patientId": "1"},
                 "prefetch": {"patient": {"resourceType": "Patient", "id": "1",
                   "address": [{"city": "X", "period": {"start": "2020-05-01", "end": "2019-01-01"}}]},
                  "statements": {"resourceType": "Bundle", "type": "searchset", "entry": [
                   {"resource": {"resourceType": "MedicationStatement", "id": "s1", "status": "active",
                    "medicationCodeableConcept": {"text": "x"}, "subject": {"reference": "Patient/1"},
                    "effectivePeriod": {"start": "%s", "end": "%s"}}}]}}}
                """.formatted(start, end));

        assertThat(request.prefetch()).containsKeys("patient", "statements");
    }

    @Test
    void orderSelectKeepsSelectionsAndDraftOrders() {
        HookRequest request = parse("order-select", """
                {"hook": "order-select", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
                 "context": {"userId": "PractitionerRole/123", "patientId": "p1",
                   "selections": ["MedicationRequest/mr-1"],
                   "draftOrders": {"resourceType": "Bundle", "type": "collection", "entry": [
                     {"resource": {"resourceType": "MedicationRequest", "id": "mr-1", "status": "draft",
                       "intent": "order", "subject": {"reference": "Patient/p1"},
                       "medicationCodeableConcept": {"text": "pembrolizumab"}}},
                     {"resource": {"resourceType": "MedicationRequest", "id": "mr-2", "status": "draft",
                       "intent": "order", "subject": {"reference": "Patient/p1"},
                       "medicationCodeableConcept": {"text": "carboplatin"}}}]}}}
                """);

        assertThat(request.context().selections()).containsExactly("MedicationRequest/mr-1");
        assertThat(request.context().draftOrders()).hasSize(2);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            no hook              | {"hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "context": {}}                                         | hook is required
            hook not a string    | {"hook": 5, "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "context": {}}                              | hook must be a string, but was a number
            other hook           | {"hook": "order-sign", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "context": {}}                   | this service answers 'patient-view'
            no hookInstance      | {"hook": "patient-view", "context": {}}                                      | hookInstance is required
            hookInstance no UUID | {"hook": "patient-view", "hookInstance": "abc", "context": {}}               | hookInstance must be a UUID
            no context           | {"hook": "patient-view", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea"}                                | context is required
            context an array     | {"hook": "patient-view", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "context": []}                 | context must be a JSON object
            no userId            | {"hook": "patient-view", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "context": {"patientId": "1"}} | context.userId is required
            userId not reference | {"hook": "patient-view", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "context": {"userId": "bob", "patientId": "1"}} | context.userId must be a reference
            no patientId         | {"hook": "patient-view", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "context": {"userId": "Practitioner/1"}} | context.patientId is required
            patientId a number   | {"hook": "patient-view", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "context": {"userId": "Practitioner/1", "patientId": 12}} | context.patientId must be a string, but was a number
            patientId reference  | {"hook": "patient-view", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "context": {"userId": "Practitioner/1", "patientId": "Patient/1"}} | context.patientId must be a FHIR logical id
            encounterId object   | {"hook": "patient-view", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "context": {"userId": "Practitioner/1", "patientId": "1", "encounterId": {}}} | context.encounterId must be a string
            fhirServer number    | {"hook": "patient-view", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "fhirServer": 1, "context": {"userId": "Practitioner/1", "patientId": "1"}} | fhirServer must be a string
            fhirServer not http  | {"hook": "patient-view", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "fhirServer": "file:///etc", "context": {"userId": "Practitioner/1", "patientId": "1"}} | fhirServer must be an absolute http(s) base URL
            token without server | {"hook": "patient-view", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "fhirAuthorization": {"access_token": "a", "token_type": "Bearer"}, "context": {"userId": "Practitioner/1", "patientId": "1"}} | fhirAuthorization was sent without fhirServer
            token type           | {"hook": "patient-view", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "fhirServer": "https://e.org", "fhirAuthorization": {"access_token": "a", "token_type": "MAC"}, "context": {"userId": "Practitioner/1", "patientId": "1"}} | token_type must be 'Bearer'
            token with a newline | {"hook": "patient-view", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "fhirServer": "https://e.org", "fhirAuthorization": {"access_token": "secret-value\\n", "token_type": "Bearer"}, "context": {"userId": "Practitioner/1", "patientId": "1"}} | fhirAuthorization.access_token holds a space, a control character
            token expired        | {"hook": "patient-view", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "fhirServer": "https://e.org", "fhirAuthorization": {"access_token": "a", "token_type": "Bearer", "expires_in": -5}, "context": {"userId": "Practitioner/1", "patientId": "1"}} | expires_in must be a positive whole number
            entry an object      | {"hook": "patient-view", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "prefetch": {"observations": {"resourceType": "Bundle", "type": "searchset", "entry": {}}}, "context": {"userId": "Practitioner/1", "patientId": "1"}} | prefetch.observations is not a valid FHIR R4 resource
            code a string        | {"hook": "patient-view", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "prefetch": {"observations": {"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": {"resourceType": "Observation", "id": "o1", "status": "final", "code": "abc", "subject": {"reference": "Patient/1"}}}]}}, "context": {"userId": "Practitioner/1", "patientId": "1"}} | prefetch.observations is not a valid FHIR R4 resource
            two values for one   | {"hook": "patient-view", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "prefetch": {"patient": {"resourceType": "Patient", "id": "1", "gender": ["male", "female"]}}, "context": {"userId": "Practitioner/1", "patientId": "1"}} | prefetch.patient is not a valid FHIR R4 resource
            period ends first    | {"hook": "patient-view", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "prefetch": {"statements": {"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": {"resourceType": "MedicationStatement", "id": "s1", "status": "active", "medicationCodeableConcept": {"text": "x"}, "subject": {"reference": "Patient/1"}, "effectivePeriod": {"start": "2024-01-01", "end": "2020-01-01"}}}]}}, "context": {"userId": "Practitioner/1", "patientId": "1"}} | prefetch.statements.entry[0] (MedicationStatement/s1) has an effectivePeriod that ends (2020-01-01) before it starts (2024-01-01)
            prefetch an array    | {"hook": "patient-view", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "prefetch": [], "context": {"userId": "Practitioner/1", "patientId": "1"}} | prefetch must be a JSON object
            prefetch a string    | {"hook": "patient-view", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "prefetch": {"patient": "yes"}, "context": {"userId": "Practitioner/1", "patientId": "1"}} | prefetch.patient must be a FHIR resource
            prefetch not FHIR    | {"hook": "patient-view", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "prefetch": {"patient": {"resourceType": "Pateint"}}, "context": {"userId": "Practitioner/1", "patientId": "1"}} | prefetch.patient is not a valid FHIR R4 resource
            other patient        | {"hook": "patient-view", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "prefetch": {"patient": {"resourceType": "Patient", "id": "2"}}, "context": {"userId": "Practitioner/1", "patientId": "1"}} | prefetch.patient is Patient/2, but context.patientId is '1'
            read holds a Bundle  | {"hook": "patient-view", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "prefetch": {"patient": {"resourceType": "Bundle", "type": "searchset"}}, "context": {"userId": "Practitioner/1", "patientId": "1"}} | prefetch.patient must be a Patient (the answer to 'Patient/{{context.patientId}}'), but was a Bundle
            search holds Patient | {"hook": "patient-view", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "prefetch": {"observations": {"resourceType": "Patient", "id": "1"}}, "context": {"userId": "Practitioner/1", "patientId": "1"}} | prefetch.observations must be a Bundle (the answer to the search 'Observation?patient={{context.patientId}}'), but was a Patient
            search holds one     | {"hook": "patient-view", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "prefetch": {"observations": {"resourceType": "Observation", "status": "final", "code": {"text": "x"}, "subject": {"reference": "Patient/1"}}}, "context": {"userId": "Practitioner/1", "patientId": "1"}} | prefetch.observations must be a Bundle (the answer to the search 'Observation?patient={{context.patientId}}'), but was an Observation
            search Parameters    | {"hook": "patient-view", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "prefetch": {"observations": {"resourceType": "Parameters"}}, "context": {"userId": "Practitioner/1", "patientId": "1"}} | prefetch.observations must be a Bundle
            match of other type  | {"hook": "patient-view", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "prefetch": {"observations": {"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": {"resourceType": "Condition", "id": "c1", "subject": {"reference": "Patient/1"}}, "search": {"mode": "match"}}]}}, "context": {"userId": "Practitioner/1", "patientId": "1"}} | prefetch.observations.entry[0] is a Condition, but the search 'Observation?patient={{context.patientId}}' matches Observation resources only
            unmarked other type  | {"hook": "patient-view", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "prefetch": {"observations": {"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": {"resourceType": "Parameters"}}]}}, "context": {"userId": "Practitioner/1", "patientId": "1"}} | prefetch.observations.entry[0] is a Parameters
            other patient's data | {"hook": "patient-view", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "prefetch": {"observations": {"resourceType": "Bundle", "type": "searchset", "entry": [{"fullUrl": "https://ehr.example.org/fhir/Observation/o2", "resource": {"resourceType": "Observation", "id": "o2", "status": "final", "code": {"text": "x"}, "subject": {"reference": "Patient/2"}}}]}}, "context": {"userId": "Practitioner/1", "patientId": "1"}} | prefetch.observations.entry[0] (Observation/o2) is about Patient/2, but context.patientId is '1'
            other patient by URL | {"hook": "patient-view", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "prefetch": {"statements": {"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": {"resourceType": "MedicationStatement", "id": "s1", "status": "active", "medicationCodeableConcept": {"text": "x"}, "subject": {"reference": "https://ehr.example.org/fhir/Patient/2"}}}]}}, "context": {"userId": "Practitioner/1", "patientId": "1"}} | prefetch.statements.entry[0] (MedicationStatement/s1) is about https://ehr.example.org/fhir/Patient/2
            other Patient entry  | {"hook": "patient-view", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "prefetch": {"statements": {"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": {"resourceType": "Patient", "id": "2"}, "search": {"mode": "include"}}]}}, "context": {"userId": "Practitioner/1", "patientId": "1"}} | prefetch.statements.entry[0] is Patient/2, but context.patientId is '1'
            """)
    void malformedPatientViewCallsAreRefusedWithTheFieldNamed(String name, String body, String message) {
        assertBadRequest("patient-view", body, message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            no draftOrders          | order-sign   | {"hook": "order-sign", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "context": {"userId": "Practitioner/1", "patientId": "1"}} | context.draftOrders is required
            draftOrders not Bundle  | order-sign   | {"hook": "order-sign", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "context": {"userId": "Practitioner/1", "patientId": "1", "draftOrders": {"resourceType": "Patient"}}} | context.draftOrders must be a FHIR Bundle
            no selections           | order-select | {"hook": "order-select", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "context": {"userId": "Practitioner/1", "patientId": "1", "draftOrders": {"resourceType": "Bundle", "type": "collection"}}} | context.selections is required
            selections a string     | order-select | {"hook": "order-select", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "context": {"userId": "Practitioner/1", "patientId": "1", "selections": "MedicationRequest/1", "draftOrders": {"resourceType": "Bundle", "type": "collection"}}} | context.selections must be a non-empty array
            selection not in drafts | order-select | {"hook": "order-select", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "context": {"userId": "Practitioner/1", "patientId": "1", "selections": ["MedicationRequest/9"], "draftOrders": {"resourceType": "Bundle", "type": "collection"}}} | is not one of the resources in context.draftOrders
            same order twice        | order-sign   | {"hook": "order-sign", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "context": {"userId": "Practitioner/1", "patientId": "1", "draftOrders": {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": {"resourceType": "MedicationRequest", "id": "m1", "status": "draft", "intent": "order", "medicationCodeableConcept": {"text": "pembrolizumab"}, "subject": {"reference": "Patient/1"}}}, {"resource": {"resourceType": "MedicationRequest", "id": "m1", "status": "draft", "intent": "order", "medicationCodeableConcept": {"text": "pembrolizumab"}, "subject": {"reference": "Patient/1"}}}]}}} | context.draftOrders.entry[1] is MedicationRequest/m1 again (as entry[0])
            order for a bare id     | order-sign   | {"hook": "order-sign", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "context": {"userId": "Practitioner/1", "patientId": "1", "draftOrders": {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": {"resourceType": "MedicationRequest", "id": "m1", "status": "draft", "intent": "order", "medicationCodeableConcept": {"text": "pembrolizumab"}, "subject": {"reference": "other"}}}]}}} | context.draftOrders.entry[0] (MedicationRequest/m1) is about other
            order for another patient | order-sign | {"hook": "order-sign", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "context": {"userId": "Practitioner/1", "patientId": "1", "draftOrders": {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": {"resourceType": "MedicationRequest", "id": "m1", "status": "draft", "intent": "order", "medicationCodeableConcept": {"text": "pembrolizumab"}, "subject": {"reference": "Patient/2"}}}]}}} | context.draftOrders.entry[0] (MedicationRequest/m1) is about Patient/2
            """)
    void malformedOrderCallsAreRefusedWithTheFieldNamed(String name, String hook, String body, String message) {
        assertBadRequest(hook, body, message);
    }

    @Test
    void bodiesThatAreNotJsonAreRefused() {
        assertThatThrownBy(() -> JSON.readTree("{\"hook\": ".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(CdsHooksException.class)
                .hasMessageContaining("not valid JSON")
                .satisfies(e -> assertThat(((CdsHooksException) e).status()).isEqualTo(400));
        assertThatThrownBy(() -> JSON.readTree(new byte[0])).hasMessageContaining("empty");
        // Limits of the JSON reader, which report no location.
        String deep = "{\"hook\": " + "[".repeat(5000) + "]".repeat(5000) + "}";
        String longNumber = "{\"hook\": " + "9".repeat(2000) + "}";
        for (String body : List.of(deep, longNumber)) {
            assertThatThrownBy(() -> JSON.readTree(body.getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(CdsHooksException.class)
                    .hasMessageContaining("beyond what this service reads as JSON")
                    .satisfies(e -> assertThat(((CdsHooksException) e).status()).isEqualTo(400));
        }
        assertThatThrownBy(() -> parse("patient-view", "[1, 2]")).hasMessageContaining("must be a JSON object");
    }

    private HookRequest parse(String hook, String body) {
        return parser.parse(tree(body), hook, TEMPLATES);
    }

    private static com.fasterxml.jackson.databind.JsonNode tree(String body) {
        return JSON.readTree(body.getBytes(StandardCharsets.UTF_8));
    }

    private void assertBadRequest(String hook, String body, String message) {
        assertThatThrownBy(() -> parse(hook, body))
                .isInstanceOf(CdsHooksException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(((CdsHooksException) e).status()).isEqualTo(400));
    }
}
