package org.resistancecds.reliability;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.resistancecds.AbstractServerIT;
import org.resistancecds.audit.AuditLog;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Bad input to the FHIR endpoint gets a 4xx with an OperationOutcome that says why, never a 500, a hang or
 * a stack trace; concurrent updates are refused rather than lost.
 */
class BadInputIT extends AbstractServerIT {

    private static final String JSON = "application/fhir+json";
    private static final String XML = "application/fhir+xml";
    private static final ObjectMapper AUDIT_JSON = new ObjectMapper();

    @Autowired
    private AuditLog auditLog;

    static Stream<Arguments> badWrites() {
        return Stream.of(
                Arguments.of("malformed JSON", "/fhir/Patient", JSON, "{\"resourceType\":\"Patient\",", 400),
                Arguments.of("malformed XML", "/fhir/Patient", XML, "<Patient xmlns=\"http://hl7.org/fhir\"><name>", 400),
                Arguments.of("resourceType differs from the URL", "/fhir/Patient", JSON,
                        "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"}}", 400),
                Arguments.of("unknown resourceType", "/fhir/Patient", JSON, "{\"resourceType\":\"Patientx\"}", 400),
                // The parser refuses what it would otherwise drop: an element FHIR does not define, a second value.
                Arguments.of("unknown element", "/fhir/Patient", JSON, "{\"resourceType\":\"Patient\",\"colour\":\"blue\"}", 400),
                Arguments.of("two values where one is allowed", "/fhir/Patient", JSON,
                        "{\"resourceType\":\"Patient\",\"birthDate\":[\"1970-01-01\",\"1971-01-01\"]}", 400),
                // HAPI's JSON parser would keep the second value and drop the first.
                Arguments.of("the same key twice in one object", "/fhir/Patient", JSON,
                        "{\"resourceType\":\"Patient\",\"birthDate\":\"1950-01-01\",\"birthDate\":\"1990-12-31\"}", 400),
                // FHIR defines Turtle, but the RDF library is not in this server.
                Arguments.of("a Turtle body", "/fhir/Patient", "application/fhir+turtle", "@prefix fhir: <http://hl7.org/fhir/> .", 415),
                Arguments.of("a body of another FHIR version (HAPI: read as R4)", "/fhir/Patient",
                        "application/fhir+json; fhirVersion=3.0", "{\"resourceType\":\"Patient\"}", 415),
                Arguments.of("invalid date", "/fhir/Patient", JSON, "{\"resourceType\":\"Patient\",\"birthDate\":\"1970-13-45\"}", 400),
                Arguments.of("invalid code", "/fhir/Patient", JSON, "{\"resourceType\":\"Patient\",\"gender\":\"robot\"}", 400),
                Arguments.of("XML with an external entity", "/fhir/Patient", XML,
                        "<?xml version=\"1.0\"?><!DOCTYPE p [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
                                + "<Patient xmlns=\"http://hl7.org/fhir\"><name><family value=\"&xxe;\"/></name></Patient>", 400),
                // HAPI answered 400, naming the content type it refused.
                Arguments.of("unsupported media type", "/fhir/Patient", "text/plain", "hello", 415),
                Arguments.of("JSON labelled as octet-stream", "/fhir/Patient", "application/octet-stream",
                        "{\"resourceType\":\"Patient\"}", 415),
                Arguments.of("a form where a resource belongs", "/fhir/Patient", "application/x-www-form-urlencoded",
                        "family=x", 415),
                Arguments.of("a transaction as text/plain", "/fhir", "text/plain", transaction(), 415),
                Arguments.of("$validate of text/plain", "/fhir/Patient/$validate", "text/plain",
                        "{\"resourceType\":\"Patient\"}", 415),
                Arguments.of("transaction with a dangling reference", "/fhir", JSON,
                        "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":{\"resourceType\":"
                                + "\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},\"subject\":{\"reference\":"
                                + "\"Patient/does-not-exist-anywhere\"}},\"request\":{\"method\":\"POST\",\"url\":\"Observation\"}}]}",
                        400),
                Arguments.of("unknown operation", "/fhir/Patient/$no-such-operation", JSON,
                        "{\"resourceType\":\"Parameters\"}", 400),
                // Jackson's nesting limit (1000) stops the parser before it can exhaust the stack.
                Arguments.of("deeply nested JSON", "/fhir/Patient", JSON,
                        "{\"resourceType\":\"Patient\",\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}", 400),
                // Below Jackson's limit, but past the validator's 255 levels: HAPI answered 500.
                Arguments.of("extensions nested 130 deep (HAPI: 500)", "/fhir/Patient", JSON,
                        "{\"resourceType\":\"Patient\"," + "\"extension\":[{\"url\":\"urn:x\",".repeat(130)
                                + "\"valueString\":\"v\"" + "}]".repeat(130) + "}", 400),
                Arguments.of("the same to $validate (HAPI: 500)", "/fhir/Patient/$validate", JSON,
                        "{\"resourceType\":\"Patient\"," + "\"extension\":[{\"url\":\"urn:x\",".repeat(130)
                                + "\"valueString\":\"v\"" + "}]".repeat(130) + "}", 400),
                Arguments.of("extensions nested 300 deep in XML to $validate (HAPI: a stack overflow, 500)",
                        "/fhir/Patient/$validate", XML, "<Patient xmlns=\"http://hl7.org/fhir\">"
                                + "<extension url=\"urn:x\">".repeat(300) + "<valueString value=\"v\"/>"
                                + "</extension>".repeat(300) + "</Patient>", 400),
                Arguments.of("a family name of only spaces (HAPI: stored the Patient without its name)", "/fhir/Patient",
                        JSON, "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"   \"}]}", 400),
                // FHIR caps a string at 1 MB; the validator enforces it on every write.
                Arguments.of("2 MB string", "/fhir/Patient", JSON,
                        "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + "x".repeat(2 << 20) + "\"}]}", 422),
                // HAPI named a DSTU3 class the trimmed model had left out: a 500.
                Arguments.of("a Bundle with no type", "/fhir", JSON, "{\"resourceType\":\"Bundle\"}", 400),
                Arguments.of("a JSON array as the body (the ext-1 scan: 500)", "/fhir/Patient", JSON,
                        "[{\"url\":\"x\"}]", 400),
                Arguments.of("a Bundle with no type, XML", "/fhir", XML,
                        "<Bundle xmlns=\"http://hl7.org/fhir\"><id value=\"x\"/></Bundle>", 400),
                Arguments.of("a conditional reference naming no type (HAPI: 500)", "/fhir/Observation", JSON,
                        CONDITIONAL_REFERENCE_WITHOUT_TYPE, 400),
                Arguments.of("the same in a transaction", "/fhir", JSON, transaction("{\"resource\":"
                        + CONDITIONAL_REFERENCE_WITHOUT_TYPE + ",\"request\":{\"method\":\"POST\",\"url\":\"Observation\"}}"),
                        400),
                Arguments.of("a conditional reference that matches nothing (HAPI: 404)", "/fhir/Observation", JSON,
                        CONDITIONAL_REFERENCE_TO_NOBODY, 412),
                Arguments.of("the same in a transaction", "/fhir", JSON, transaction("{\"resource\":"
                        + CONDITIONAL_REFERENCE_TO_NOBODY + ",\"request\":{\"method\":\"POST\",\"url\":\"Observation\"}}"),
                        412),
                Arguments.of("transaction with a duplicate fullUrl", "/fhir", JSON, transaction(
                        PATIENT_ENTRY.formatted("urn:uuid:8d0c8f3e-1a57-4f7c-9d36-3c0d1f1e0001", "Dup"),
                        PATIENT_ENTRY.formatted("urn:uuid:8d0c8f3e-1a57-4f7c-9d36-3c0d1f1e0001", "Dup")), 400));
    }

    private static final String CONDITIONAL_REFERENCE_WITHOUT_TYPE = "{\"resourceType\":\"Observation\","
            + "\"status\":\"final\",\"code\":{\"text\":\"pulse\"},\"subject\":{\"reference\":"
            + "\"?identifier=urn:test|pa\"}}";

    private static final String CONDITIONAL_REFERENCE_TO_NOBODY = "{\"resourceType\":\"Observation\","
            + "\"status\":\"final\",\"code\":{\"text\":\"pulse\"},\"subject\":{\"reference\":"
            + "\"Patient?identifier=urn:test|nobody-has-this\"}}";

    private static final String PATIENT_ENTRY = "{\"fullUrl\":\"%s\",\"resource\":{\"resourceType\":\"Patient\","
            + "\"name\":[{\"family\":\"%s\"}]},\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}}";

    private static String transaction(String... entries) {
        return "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[" + String.join(",", entries) + "]}";
    }

    /** A Bundle entry PUTting an empty Patient to {@code urlPrefix + id}, with the ifMatch given as JSON text, if any. */
    private static String patientPutEntry(String urlPrefix, String id, String ifMatch) {
        return "{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"" + id + "\"},\"request\":{\"method\":\"PUT\","
                + "\"url\":\"" + urlPrefix + id + "\"" + (ifMatch == null ? "" : ",\"ifMatch\":\"" + ifMatch + "\"") + "}}";
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badWrites")
    void badWriteGetsA4xxWithAnOperationOutcome(String what, String path, String type, String body, int status)
            throws Exception {
        HttpResponse<String> response = postJson(path, type, body);

        assertThat(response.statusCode()).as(what + ": " + response.body()).isEqualTo(status);
        assertThat(response.body()).contains("OperationOutcome");
        assertThat(response.body()).doesNotContain("\tat ", "root:x:0:0");
        if (status == 412 || status == 413 || status == 415) {
            assertThat(response.body()).as("the issue code says what the status says").doesNotContain("\"processing\"");
        }
    }

    @Test
    void transactionWithOneInvalidEntryStoresNothing() throws Exception {
        String family = "OneBadEntry" + System.nanoTime();
        String invalidVariant = "{\"resource\":{\"resourceType\":\"Observation\",\"meta\":{\"profile\":["
                + "\"https://resistance-cds.org/fhir/StructureDefinition/resistance-variant\"]},\"status\":\"final\","
                + "\"code\":{\"text\":\"not a variant\"}},\"request\":{\"method\":\"POST\",\"url\":\"Observation\"}}";

        HttpResponse<String> response = postJson("/fhir", JSON,
                transaction(PATIENT_ENTRY.formatted("urn:uuid:" + UUID.randomUUID(), family), invalidVariant));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
        assertThat(response.body()).contains("OperationOutcome", "resistance-variant");
        assertThat(get("/fhir/Patient?family=" + family + "&_summary=count").body()).contains("\"total\":0");
    }

    /** HAPI would drop the element and store the rest; inside a transaction no validator would see it. */
    @Test
    void transactionEntryWithAnUnknownElementStoresNothing() throws Exception {
        assertEntryRefusedAndNothingStored("\"colour\":\"blue\",", "Unknown element 'colour'");
    }

    /** HAPI dropped empty and null elements of a transaction's entries without a word (a direct write got 422). */
    @Test
    void transactionEntryWithAnEmptyOrNullElementStoresNothing() throws Exception {
        for (String empty : List.of("\"telecom\":[],", "\"address\":[{}],", "\"gender\":null,")) {
            assertEntryRefusedAndNothingStored(empty, "leave the element out");
        }
        // $validate reports them as the validator's issues instead, however its path is spelt.
        for (String validate : List.of("/fhir/Patient/$validate", "/fhir/Patient/%24validate", "/fhir/Patient/$validate/")) {
            HttpResponse<String> validated = postJson(validate, JSON, "{\"resourceType\":\"Patient\",\"gender\":null}");
            assertThat(validated.statusCode()).as(validate + validated.body()).isIn(200, 412, 422);
            assertThat(validated.body()).contains("OperationOutcome").doesNotContain("leave the element out");
        }
    }

    /** ext-1: HAPI dropped an extension with only a url from a transaction's entry, and stored the rest. */
    @Test
    void transactionEntryWithAValuelessExtensionStoresNothing() throws Exception {
        assertEntryRefusedAndNothingStored("\"extension\":[{\"url\":\"https://hospital.example/consent-flag\"}],",
                "neither a value nor extensions");
    }

    /**
     * The same losses in FHIR XML: HAPI dropped an element with neither a value nor children, and an extension with
     * only a url, from a transaction's entry and from a plain create, and stored the rest.
     */
    @Test
    void anEmptyElementOrValuelessExtensionInXmlStoresNothing() throws Exception {
        String extension = "<extension url=\"https://hospital.example/consent-flag\"/>";
        for (String[] loss : new String[][] {{"", "<gender/>", "<gender> with neither a value nor"},
                {extension, "", "neither a value nor extensions"},
                {"<extension url=\"https://hospital.example/a\">" + extension + "</extension>", "",
                        "neither a value nor extensions"}}) {
            String family = "RefusedXml" + System.nanoTime();
            String patient = "<Patient xmlns=\"http://hl7.org/fhir\">" + loss[0] + "<name><family value=\"" + family
                    + "\"/></name>" + loss[1] + "</Patient>";
            String transaction = "<Bundle xmlns=\"http://hl7.org/fhir\"><type value=\"transaction\"/><entry><fullUrl "
                    + "value=\"urn:uuid:" + UUID.randomUUID() + "\"/><resource>" + patient.replace(" xmlns=\"http://hl7"
                    + ".org/fhir\"", "") + "</resource><request><method value=\"POST\"/><url value=\"Patient\"/>"
                    + "</request></entry></Bundle>";

            // "xml" is a media type HAPI reads as FHIR XML too.
            for (String[] write : new String[][] {{"/fhir", XML, transaction}, {"/fhir/Patient", XML, patient},
                    {"/fhir", "xml", transaction}}) {
                HttpResponse<String> response = postJson(write[0], write[1], write[2]);

                assertThat(response.statusCode()).as(write[2] + response.body()).isEqualTo(400);
                // Answered in XML, as HAPI answers a client that sent XML and asked for nothing.
                assertThat(response.headers().firstValue("Content-Type").orElse("")).contains("xml");
                OperationOutcome outcome = (OperationOutcome) fhirContext.newXmlParser().parseResource(response.body());
                assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains(loss[2], "line 1, column ");
            }
            assertThat(get("/fhir/Patient?family=" + family + "&_summary=count").body()).contains("\"total\":0");
        }
        HttpResponse<String> validated = postJson("/fhir/Patient/$validate", XML,
                "<Patient xmlns=\"http://hl7.org/fhir\"><gender/></Patient>");
        assertThat(validated.body()).as("$validate reports it as an issue").contains("OperationOutcome")
                .doesNotContain("Nothing was stored");
    }

    /** A Binary's own content in a media type that is not FHIR's is stored as sent, empty elements and all. */
    @Test
    void rawBinaryContentInXmlOrJsonIsNotCheckedAsFhir() throws Exception {
        for (String[] raw : new String[][] {{"application/xml", "<config xmlns=\"http://hl7.org/fhir\"><flag/></config>"},
                {"application/json", "{\"settings\":{},\"list\":[]}"}}) {
            HttpResponse<String> created = postJson("/fhir/Binary", raw[0], raw[1]);
            assertThat(created.statusCode()).as(raw[0] + created.body()).isEqualTo(201);

            HttpResponse<String> read = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/fhir/"
                    + created.headers().firstValue("Location").orElseThrow().replaceAll(".*/fhir/", "")
                            .replaceAll("/_history/.*", ""))).header("Accept", raw[0]).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(read.body()).isEqualTo(raw[1]);
        }
    }

    @Test
    void transactionEntryWithTheSameKeyTwiceStoresNothing() throws Exception {
        assertEntryRefusedAndNothingStored("\"gender\":\"male\",\"gender\":\"female\",", "Duplicate field 'gender'");
    }

    /** A transaction whose one Patient entry starts with {@code elements}: 400 saying {@code reason}, nothing stored. */
    private void assertEntryRefusedAndNothingStored(String elements, String reason) throws Exception {
        String family = "Refused" + System.nanoTime();
        String entry = PATIENT_ENTRY.formatted("urn:uuid:" + UUID.randomUUID(), family)
                .replace("\"resourceType\":\"Patient\",", "\"resourceType\":\"Patient\"," + elements);

        HttpResponse<String> response = postJson("/fhir", JSON, transaction(entry));

        assertThat(response.statusCode()).as(elements + response.body()).isEqualTo(400);
        assertThat(response.body()).contains("OperationOutcome", reason);
        assertThat(get("/fhir/Patient?family=" + family + "&_summary=count").body()).contains("\"total\":0");
    }

    /** HAPI stored U+FFFD for bytes that are no UTF-8, changing the client's text without a word. */
    @Test
    void aBodyThatIsNoUtf8StoresNothing() throws Exception {
        String family = "Latin1" + System.nanoTime();
        byte[] head = ("{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + family + "\",\"given\":[\"Ren")
                .getBytes(StandardCharsets.UTF_8);
        byte[] tail = "\"]}]}".getBytes(StandardCharsets.UTF_8);
        byte[] body = Arrays.copyOf(head, head.length + 1 + tail.length);
        body[head.length] = (byte) 0xE9; // "é" in ISO-8859-1
        System.arraycopy(tail, 0, body, head.length + 1, tail.length);

        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/fhir/Patient"))
                .header("Content-Type", JSON).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.body()).contains("OperationOutcome", "not valid UTF-8");
        assertThat(get("/fhir/Patient?family=" + family + "&_summary=count").body()).contains("\"total\":0");
    }

    /** HAPI failed with a 500 while indexing a string holding half a surrogate pair, which no UTF-8 text can hold. */
    @Test
    void anEscapeOfHalfASurrogatePairStoresNothing() throws Exception {
        String family = "Surrogate" + System.nanoTime();
        HttpResponse<String> response = postJson("/fhir/Patient", JSON,
                "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + family + "\",\"given\":[\"A\\ud800\"]}]}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.body()).contains("OperationOutcome", "half a UTF-16 surrogate pair");
        assertThat(get("/fhir/Patient?family=" + family + "&_summary=count").body()).contains("\"total\":0");
    }

    /**
     * A gzip body is unpacked before the checks, and the limit counts what it unpacks to: HAPI unpacked it without a
     * limit (900 KB of gzip ran the heap out), and the UTF-8 check read the packed bytes, so "é" as Latin-1 was stored
     * as U+FFFD. An encoding the server cannot read was ignored.
     */
    @Test
    void gzipBodiesAreUnpackedWithinTheLimitAndCheckedLikeOthers() throws Exception {
        String family = "Gzip" + System.nanoTime();
        HttpResponse<String> stored = sendEncoded("gzip", gzip(("{\"resourceType\":\"Patient\",\"name\":[{\"family\":\""
                + family + "\"}]}").getBytes(StandardCharsets.UTF_8)));
        assertThat(stored.statusCode()).as(stored.body()).isEqualTo(201);
        assertThat(get("/fhir/Patient?family=" + family + "&_summary=count").body()).contains("\"total\":1");

        byte[] latin1 = ("{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Caf\u00e9" + family + "\"}]}")
                .getBytes(StandardCharsets.ISO_8859_1);
        HttpResponse<String> notUtf8 = sendEncoded("gzip", gzip(latin1));
        assertThat(notUtf8.statusCode()).as(notUtf8.body()).isEqualTo(400);
        assertThat(notUtf8.body()).contains("not valid UTF-8");

        byte[] padded = new byte[65 * 1024 * 1024]; // over the 64 MB limit once unpacked, about 65 KB packed
        Arrays.fill(padded, (byte) ' ');
        HttpResponse<String> bomb = sendEncoded("gzip", gzip(padded));
        assertThat(bomb.statusCode()).as(bomb.body()).isEqualTo(413);

        HttpResponse<String> brotli = sendEncoded("br", new byte[] {1, 2, 3});
        assertThat(brotli.statusCode()).as(brotli.body()).isEqualTo(415);
        assertThat(brotli.body()).contains("OperationOutcome", "Content-Encoding 'br'");
        HttpResponse<String> notGzip = sendEncoded("gzip", "{\"resourceType\":\"Patient\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(notGzip.statusCode()).as(notGzip.body()).isEqualTo(400);
        assertThat(notGzip.body()).contains("not complete gzip data");

        // No body: the header says nothing, and is ignored.
        HttpResponse<String> read = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/fhir/Patient?_count=1"))
                .header("Content-Encoding", "gzip").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        // A form's parameters would be lost: the container reads them from the packed body.
        HttpResponse<String> form = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/fhir/Patient/_search"))
                        .header("Content-Type", "application/x-www-form-urlencoded").header("Content-Encoding", "gzip")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(gzip("family=x".getBytes(StandardCharsets.UTF_8))))
                        .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(form.statusCode()).as(form.body()).isEqualTo(415);
    }

    private HttpResponse<String> sendEncoded(String encoding, byte[] body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/fhir/Patient"))
                        .header("Content-Type", JSON).header("Content-Encoding", encoding)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream packed = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(packed)) {
            out.write(plain);
        }
        return packed.toByteArray();
    }

    /**
     * Each of these got a 500 from HAPI, a bare 400, or Spring's own error document (no endpoint, a method or format
     * an endpoint does not take) before the request reached a handler.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedRequests")
    void malformedOrUnservedRequestGetsA4xxWithAnOperationOutcome(String what, String requestHead, int status)
            throws Exception {
        String answer = rawExchange(requestHead);

        assertThat(answer).as(what).startsWith("HTTP/1.1 " + status);
        assertThat(answer).as(what).contains("\"resourceType\":\"OperationOutcome\"").doesNotContain("\tat ", "timestamp");
    }

    /** Every name FHIR gives the formats, as _format, answers; an unencoded '+' arrives as a space. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"json", "xml", "application/fhir+json", "application/fhir%2Bxml", "application/json",
            "text/xml", "JSON", "(empty)"})
    void formatsNamedByFormatParameterAreAnswered(String format) throws Exception {
        String answer = rawExchange("GET /fhir/Patient?_count=1&_format=" + ("(empty)".equals(format) ? "" : format));

        assertThat(answer).as(format).startsWith("HTTP/1.1 200");
    }

    /** The server's own refusals, before HAPI, answered JSON to a client that asked for XML. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"GET /fhir/Patient?name:foo=x&_format=xml",
            "GET /fhir/Patient?_count=-1\r\nAccept: application/fhir+xml",
            "GET /fhir/Patient?_count=-1\r\nAccept: application/fhir+xml, application/fhir+json;q=0.5",
            "PROPFIND /fhir/Patient\r\nAccept: application/fhir+xml"})
    void aRefusalBeforeHapiIsInXmlWhenTheClientAsksForXml(String requestHead) throws Exception {
        String answer = rawExchange(requestHead);

        assertThat(answer).startsWith("HTTP/1.1 4").containsIgnoringCase("Content-Type: application/fhir+xml")
                .contains("<OperationOutcome xmlns=\"http://hl7.org/fhir\">");
    }

    /** Media types are case-insensitive (RFC 9110); HAPI answered an upper-case body type 415 and Accept in JSON. */
    @Test
    void mediaTypesInUpperCaseAreUnderstood() throws Exception {
        HttpResponse<String> created = postJson("/fhir/Patient", "APPLICATION/FHIR+XML",
                "<Patient xmlns=\"http://hl7.org/fhir\"><active value=\"true\"/></Patient>");
        String answer = rawExchange("GET /fhir/metadata\r\nAccept: APPLICATION/FHIR+XML");

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(answer).startsWith("HTTP/1.1 200").containsIgnoringCase("Content-Type: application/fhir+xml");
    }

    /** HAPI validated the body as sent and answered "No issues detected". */
    @Test
    void validateOfAResourceOfAnotherTypeThanTheUrlNamesIsRefused() throws Exception {
        String patient = "{\"resourceType\":\"Patient\",\"gender\":\"female\"}";
        for (String body : List.of(patient,
                "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"resource\",\"resource\":" + patient + "}]}")) {
            HttpResponse<String> response = postJson("/fhir/Observation/$validate", JSON, body);

            assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
            assertThat(response.body()).contains("The resource is a Patient but was sent to Observation/$validate",
                    "send it to Patient/$validate");
        }
        assertThat(postJson("/fhir/Patient/$validate", JSON, patient).statusCode()).isEqualTo(200);
        // No advice to send it to a type that does not exist.
        HttpResponse<String> lowerCase = postJson("/fhir/Observation/$validate", JSON,
                "{\"resourceType\":\"observation\",\"status\":\"final\"}");
        assertThat(lowerCase.statusCode()).isEqualTo(400);
        assertThat(lowerCase.body()).contains("observation is no FHIR R4 resource type").doesNotContain("send it to");
    }

    /** HAPI named the patient by its internal search parameter: "Resource [[TokenParam[system=,value=...]]]". */
    @Test
    void everythingOfAPatientNotHeldNamesThePatient() throws Exception {
        HttpResponse<String> response = get("/fhir/Patient/no-such-patient-e/$everything");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(404);
        assertThat(response.body()).contains("Resource Patient/no-such-patient-e is not known", "identifier")
                .doesNotContain("TokenParam");
    }

    /** HAPI answered each "does not know how to handle POST operation[...] with parameters [[]]". */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "/fhir/Patient/$meta-add | $meta-add is not offered where this request asks for it | Patient/[id]/$meta-add",
        "/fhir/Observation/$evaluate-resistance | is not offered where | [base]/$evaluate-resistance, Patient/[id]/$evaluate-resistance",
        "/fhir/Patient/$no-such-operation | This server has no operation $no-such-operation | [base]/metadata"})
    void anOperationAskedForWhereItIsNotOfferedSaysWhereItIs(String path, String what, String where) throws Exception {
        HttpResponse<String> response = postJson(path, JSON, "{\"resourceType\":\"Parameters\"}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.body()).contains(what, where, "\"code\":\"not-supported\"")
                .doesNotContain("does not know how to handle");
    }

    /** HAPI answered each of these "No code, coding, or codeableConcept provided to validate". */
    @ParameterizedTest(name = "$lookup?{0}")
    @CsvSource({"system=http://loinc.org, no code.", "code=8480-6, no system.", "'', neither."})
    void aLookupSaysWhichOfItsInputsIsMissing(String query, String missing) throws Exception {
        HttpResponse<String> response = get("/fhir/CodeSystem/$lookup?" + query);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.body()).contains("$lookup needs a code and the system it belongs to", "this one has " + missing)
                .doesNotContain("codeableConcept");
    }

    /** Spring Security's reason, which may end with its own full stop, then what to send instead. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"GET /fhir/../fhir/Patient", "GET /fhir/Patient;x=1", "GET /fhir//Patient"})
    void pathTheFirewallRefusesIsAnsweredWithWhatToSendInstead(String requestLine) throws Exception {
        String answer = rawExchange(requestLine);

        assertThat(answer).startsWith("HTTP/1.1 400").contains("Send the path in its plain form");
        // No doubled full stop: the advice's own '/../' aside, the text holds no "..".
        assertThat(answer.replace("/../", "")).doesNotContain("..");
    }

    static Stream<Arguments> malformedRequests() {
        return Stream.of(
                Arguments.of("If-Match that is no version", "PUT /fhir/Patient/x\r\nIf-Match: garbage", 400),
                Arguments.of("If-Match: * on a conditional delete", "DELETE /fhir/Patient?family=x\r\nIf-Match: *", 400),
                Arguments.of("If-Match with an unpaired quote", "PUT /fhir/Patient/x\r\nIf-Match: W/\"1", 400),
                Arguments.of("If-Match weak without quotes", "DELETE /fhir/Patient/x\r\nIf-Match: W/1", 400),
                Arguments.of("query that is no percent-encoding", "GET /fhir/Patient?name=%zz", 400),
                Arguments.of("_format=ttl", "GET /fhir/metadata?_format=ttl", 406),
                Arguments.of("_format neither JSON nor XML (HAPI: JSON)", "GET /fhir/metadata?_format=pdf", 406),
                Arguments.of("_format=html (no HTML view; HAPI: JSON)", "GET /fhir/Patient?_format=html", 406),
                Arguments.of("an HTTP method FHIR does not use", "PROPFIND /fhir/Patient", 405),
                Arguments.of("TRACE (refused by Spring Security's firewall)", "TRACE /fhir/Patient", 405),
                Arguments.of("double slash in the path (Spring Security's firewall)", "GET /fhir//Patient/x", 400),
                Arguments.of("Accept: Turtle only", "GET /fhir/metadata\r\nAccept: application/fhir+turtle", 406),
                Arguments.of("Accept: an image only", "GET /fhir/metadata\r\nAccept: image/png", 406),
                Arguments.of("Accept: JSON refused (q=0)", "GET /fhir/metadata\r\nAccept: text/plain, application/json;q=0",
                        406),
                Arguments.of("Accept: an image, on a write", "POST /fhir/Patient\r\nAccept: image/png", 406),
                Arguments.of("If-Match on a conditional delete", "DELETE /fhir/Patient?family=x\r\nIf-Match: W/\"1\"", 400),
                Arguments.of("a search modifier FHIR does not define", "GET /fhir/Patient?name:foo=x", 400),
                Arguments.of("a negative _count", "GET /fhir/Patient?_count=-1", 400),
                Arguments.of("a negative _offset (HAPI: 500)", "GET /fhir/Patient?_offset=-5", 400),
                Arguments.of(":missing neither true nor false (HAPI searched :missing=false)",
                        "GET /fhir/Patient?gender:missing=maybe", 400),
                Arguments.of("an operation's integer parameter that is no number",
                        "GET /fhir/ValueSet/$expand?url=https://resistance-cds.org/fhir/ValueSet/resistance-biomarker&count=abc",
                        400),
                Arguments.of(":of-type, which identifiers are not indexed for (HAPI: 405)",
                        "GET /fhir/Patient?identifier:of-type=http://terminology.hl7.org/CodeSystem/v2-0203|MR|1", 400),
                Arguments.of("near that is no position (HAPI: 500)", "GET /fhir/Location?near=abc", 400),
                Arguments.of("near with a negative distance (HAPI: 500)", "GET /fhir/Location?near=1%7C2%7C-5%7Ckm",
                        400),
                Arguments.of("near farther than HAPI searches (HAPI: 500)",
                        "GET /fhir/Location?near=42.25%7C-83.69%7C10001%7Ckm", 400),
                Arguments.of("near at the end of a chain (HAPI: 500)",
                        "GET /fhir/Observation?subject:Location.near=abc", 400),
                Arguments.of("code:in a ValueSet the server lacks (HAPI: 404)",
                        "GET /fhir/Observation?code:in=http://example.org/no-such-valueset", 400),
                Arguments.of("code:in a ValueSet of all LOINC, which the server cannot expand (HAPI: 500)",
                        "GET /fhir/Observation?code:in=http://hl7.org/fhir/ValueSet/observation-codes", 400),
                Arguments.of("gender:exact, a modifier of string parameters on a token (HAPI: ignored)",
                        "GET /fhir/Patient?gender:exact=male", 400),
                Arguments.of("a _summary FHIR does not define", "GET /fhir/Patient?_summary=bogus", 400),
                Arguments.of("$everything with a _type that is no resource type (HAPI: 404)",
                        "GET /fhir/Patient/$everything?_type=Foo", 400),
                Arguments.of("$document of a Composition not stored (HAPI: 200, an empty document)",
                        "GET /fhir/Composition/no-such-composition/$document", 404),
                Arguments.of("Accept: only another FHIR version (HAPI: R4)",
                        "GET /fhir/metadata\r\nAccept: application/fhir+json; fhirVersion=3.0", 406),
                Arguments.of("_format naming another FHIR version (HAPI: R4)",
                        "GET /fhir/metadata?_format=application/fhir%2Bjson;fhirVersion=3.0", 406),
                Arguments.of("a _since that is no date", "GET /fhir/Patient/x/$everything?_since=garbage", 400),
                Arguments.of("a _since that is no date, on _history", "GET /fhir/Patient/_history?_since=2026-13-45",
                        400),
                Arguments.of("_type on the server's history (HAPI: every type's history)",
                        "GET /fhir/_history?_type=Patient", 400),
                Arguments.of("a parameter no history takes (HAPI: ignored)", "GET /fhir/Patient/x/_history?family=x",
                        400),
                Arguments.of("code:below in a code system the server does not hold (HAPI: 0 found, not even the code)",
                        "GET /fhir/Observation?code:below=http://loinc.org%7C69548-6", 400),
                Arguments.of("no endpoint at the path", "GET /no-such-endpoint", 404),
                Arguments.of("a method the endpoint does not take", "POST /actuator/health", 405),
                Arguments.of("a format the endpoint cannot write", "GET /actuator/health\r\nAccept: application/xml", 406));
    }

    /** :below and :above still search the code systems the server holds: ours and the specification's. */
    @Test
    void subsumptionSearchesInHeldCodeSystemsAnswer() throws Exception {
        for (String search : List.of(
                "Observation?code:below=https://resistance-cds.org/fhir/CodeSystem/resistance-biomarker%7Cctdna-tumor-fraction",
                "Condition?clinical-status:below=http://terminology.hl7.org/CodeSystem/condition-clinical%7Cactive")) {
            HttpResponse<String> answer = get("/fhir/" + search);
            assertThat(answer.statusCode()).as(search + ": " + answer.body()).isEqualTo(200);
        }
        assertThat(get("/fhir/Observation?code:below=http://loinc.org%7C69548-6").body())
                .contains("does not hold", "http://loinc.org|69548-6");
    }

    /** The parameters a history takes still answer; any other names them and says what to ask instead. */
    @Test
    void aHistoryAnswersItsOwnParametersOnly() throws Exception {
        HttpResponse<String> taken = get("/fhir/Patient/_history?_since=2020-01-01T00:00:00Z&_count=2&_offset=0"
                + "&_summary=true&_pretty=true&_format=json");
        HttpResponse<String> typed = get("/fhir/_history?_type=Patient&_count=2");

        assertThat(taken.statusCode()).as(taken.body()).isEqualTo(200);
        assertThat(typed.statusCode()).isEqualTo(400);
        assertThat(typed.body()).contains("not _type.", "ask Patient/_history");
    }

    /** R4 named by its version, or another version with R4 as the fallback, is answered. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"application/fhir+json; fhirVersion=4.0", "application/fhir+json;fhirVersion=4.0.1",
            "application/fhir+json; fhirVersion=4.0.0",
            "application/fhir+json; fhirVersion=3.0, application/fhir+json;q=0.5"})
    void fhirR4NamedOrAcceptedBesideAnotherVersionIsAnswered(String accept) throws Exception {
        assertThat(rawExchange("GET /fhir/metadata\r\nAccept: " + accept)).startsWith("HTTP/1.1 200");
        if (!accept.contains(",")) {
            assertThat(get("/fhir/metadata?_format=" + URLEncoder.encode(accept, StandardCharsets.UTF_8)).statusCode())
                    .as("the same type as _format").isEqualTo(200);
        }
        assertThat(postJson("/fhir/Patient", "application/fhir+json; fhirVersion=4.0", "{\"resourceType\":\"Patient\"}")
                .statusCode()).isEqualTo(201);
    }

    /** HAPI answered in the format ranked first even when only another FHIR version was asked for in it. */
    @Test
    void aFormatAskedForOnlyInAnotherFhirVersionIsNotTheAnswersFormat() throws Exception {
        String answer = rawExchange("GET /fhir/metadata\r\nAccept: application/fhir+xml; fhirVersion=3.0, "
                + "application/fhir+json; fhirVersion=4.0; q=0.5");

        assertThat(answer).startsWith("HTTP/1.1 200").contains("\"resourceType\":\"CapabilityStatement\"")
                .containsIgnoringCase("Content-Type: application/fhir+json");
    }

    /** HAPI picked Turtle when it ranked first and failed with a 500 (after storing a POST). */
    @Test
    void turtleFirstAmongSeveralAcceptedFormatsIsAnsweredInTheNext() throws Exception {
        String answer = rawExchange("GET /fhir/metadata\r\nAccept: text/turtle, application/fhir+json;q=0.5");

        assertThat(answer).startsWith("HTTP/1.1 200").contains("\"resourceType\":\"CapabilityStatement\"");
    }

    /** HAPI answered JSON to any Accept, after storing a POST; Binary keeps answering in its own content type. */
    @Test
    void aWriteAskedForInAFormatTheServerCannotWriteStoresNothingAndBinaryKeepsItsOwnType() throws Exception {
        String family = "Unacceptable" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/fhir/Patient"))
                .header("Content-Type", JSON).header("Accept", "image/png")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + family + "\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        String binary = postJson("/fhir/Binary", JSON,
                "{\"resourceType\":\"Binary\",\"contentType\":\"image/png\",\"data\":\"iVBORw0KGgo=\"}")
                .headers().firstValue("Location").orElseThrow();
        HttpResponse<byte[]> image = http.send(HttpRequest.newBuilder(URI.create(binary)).header("Accept", "image/png")
                .GET().build(), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(refused.statusCode()).isEqualTo(406);
        assertThat(refused.body()).contains("\"resourceType\":\"OperationOutcome\"", "image/png");
        assertThat(fhirClient().search().forResource(Patient.class).where(Patient.FAMILY.matchesExactly().value(family))
                .returnBundle(Bundle.class).execute().getEntry()).isEmpty();
        assertThat(image.statusCode()).isEqualTo(200);
        assertThat(image.headers().firstValue("Content-Type").orElse("")).startsWith("image/png");
        assertThat(image.body()).startsWith(0x89, 'P', 'N', 'G');
    }

    /**
     * Entries get the checks the same request gets alone: HAPI stored a Patient sent to Observation, stored a body
     * naming one id under the URL's other id, and ran two entries changing one resource in an order of its own.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("entriesAtOddsWithTheirUrl")
    void anEntryAtOddsWithItsUrlIsA400AndNothingIsStored(String what, String entries, String reason) throws Exception {
        String keep = "te-keep-" + System.nanoTime();
        String kept = "{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"" + keep + "\"},\"request\":"
                + "{\"method\":\"PUT\",\"url\":\"Patient/" + keep + "\"}}";
        String id = "te-" + System.nanoTime();
        String odd = entries.replace("ID", id);

        HttpResponse<String> transaction = postJson("/fhir", JSON, transaction(kept, odd));

        assertThat(transaction.statusCode()).as(what + ": " + transaction.body()).isEqualTo(400);
        assertThat(transaction.body()).as(what).contains(reason);
        assertThat(get("/fhir/Patient/" + keep).statusCode()).as("all or nothing").isEqualTo(404);
        assertThat(get("/fhir/Patient?identifier=" + id).body()).as(what).contains("\"total\":0");
        assertThat(get("/fhir/Patient?_id=" + id + ",other-" + id).body()).as(what).contains("\"total\":0");

        // In a batch the odd entry fails alone (two entries on one resource are no fault there: each stands alone).
        HttpResponse<String> batch = postJson("/fhir", JSON,
                "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":[" + kept + "," + odd + "]}");
        assertThat(batch.statusCode()).as(batch.body()).isEqualTo(200);
        assertThat(get("/fhir/Patient/" + keep).statusCode()).isEqualTo(200);
        if (!reason.contains("one entry only")) {
            assertThat(batch.body()).as(what).contains(reason);
        }
    }

    /** HAPI reads an entry URL with a leading slash as without; the entry checks must too (found in review). */
    @Test
    void entriesWhoseUrlStartsWithASlashAreAnswered() throws Exception {
        String id = "ls-" + System.nanoTime();
        String entry = patientPutEntry("/Patient/", id, null);
        String stale = patientPutEntry("/Patient/", id, "W/\\\"5\\\"");

        HttpResponse<String> created = postJson("/fhir", JSON, transaction(entry));
        HttpResponse<String> staleAnswer = postJson("/fhir", JSON, transaction(stale));

        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        assertThat(get("/fhir/Patient/" + id).statusCode()).isEqualTo(200);
        assertThat(staleAnswer.statusCode()).as(staleAnswer.body()).isEqualTo(412);
    }

    static Stream<Arguments> entriesAtOddsWithTheirUrl() {
        return Stream.of(
                Arguments.of("a Patient posted to Observation", "{\"resource\":{\"resourceType\":\"Patient\","
                        + "\"identifier\":[{\"value\":\"ID\"}]},\"request\":{\"method\":\"POST\",\"url\":\"Observation\"}}",
                        "the URL names Observation, but the resource is a Patient"),
                Arguments.of("a PUT whose body names another id", "{\"resource\":{\"resourceType\":\"Patient\","
                        + "\"id\":\"other-ID\"},\"request\":{\"method\":\"PUT\",\"url\":\"Patient/ID\"}}",
                        "but the URL names"),
                Arguments.of("one resource changed by two entries", "{\"resource\":{\"resourceType\":\"Patient\","
                        + "\"id\":\"ID\"},\"request\":{\"method\":\"PUT\",\"url\":\"Patient/ID\"}},"
                        + "{\"request\":{\"method\":\"DELETE\",\"url\":\"Patient/ID\"}}",
                        "A transaction may change a resource in one entry only"));
    }

    /** HAPI answered 500 on an ifMatch that names no version, deleted on a stale one, and answered 409 on a stale PUT. */
    @Test
    void transactionAndBatchEntriesHonourIfMatch() throws Exception {
        Patient patient = new Patient();
        patient.addName().setFamily("Versioned");
        String id = fhirClient().create().resource(patient).execute().getId().getIdPart();
        put("/fhir/Patient/" + id, "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\"}", "W/\"1\"");
        String staleDelete = "{\"request\":{\"method\":\"DELETE\",\"url\":\"Patient/" + id + "\",\"ifMatch\":\"W/\\\"1\\\"\"}}";
        String garbagePut = patientPutEntry("Patient/", id, "garbage");
        String stalePut = patientPutEntry("Patient/", id, "W/\\\"1\\\"");

        HttpResponse<String> transactionDelete = postJson("/fhir", JSON, transaction(staleDelete));
        HttpResponse<String> transactionPut = postJson("/fhir", JSON, transaction(garbagePut));
        HttpResponse<String> transactionStalePut = postJson("/fhir", JSON, transaction(stalePut));
        HttpResponse<String> batch = postJson("/fhir", JSON, "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":["
                + staleDelete + "," + garbagePut + "," + stalePut + "]}");

        assertThat(transactionDelete.statusCode()).as(transactionDelete.body()).isEqualTo(412);
        assertThat(transactionPut.statusCode()).as(transactionPut.body()).isEqualTo(400);
        assertThat(transactionStalePut.statusCode()).as(transactionStalePut.body()).isEqualTo(412);
        assertThat(batch.statusCode()).as(batch.body()).isEqualTo(200);
        Bundle answer = fhirContext.newJsonParser().parseResource(Bundle.class, batch.body());
        assertThat(answer.getEntry()).extracting(e -> e.getResponse().getStatus().substring(0, 3))
                .containsExactly("412", "400", "412");
        assertThat(get("/fhir/Patient/" + id).statusCode()).isEqualTo(200);
    }

    /**
     * If-Match on a conditional update or patch is checked against the matched resource, and one on a write that
     * would create is a 412 (no version of it exists); HAPI ignored If-Match on all three and wrote. The same for
     * transaction entries.
     */
    @Test
    void conditionalAndCreatingWritesHonourIfMatch() throws Exception {
        String mrn = "im-" + System.nanoTime();
        String id = storedWithMrn(mrn, "First");
        String match = "Patient?identifier=urn:example:mrn%7C" + mrn;
        String body = "{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"urn:example:mrn\",\"value\":\""
                + mrn + "\"}],\"name\":[{\"family\":\"%s\"}]}";

        assertThat(put("/fhir/" + match, body.formatted("Second"), "W/\"1\"").statusCode()).isEqualTo(200);
        HttpResponse<String> stalePut = put("/fhir/" + match, body.formatted("Stale"), "W/\"1\"");
        HttpResponse<String> stalePatch = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/fhir/" + match))
                        .header("Content-Type", "application/json-patch+json").header("If-Match", "W/\"1\"")
                        .method("PATCH", HttpRequest.BodyPublishers.ofString(
                                "[{\"op\":\"add\",\"path\":\"/gender\",\"value\":\"male\"}]"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        String unknownId = "im-new-" + System.nanoTime();
        HttpResponse<String> creatingPut = put("/fhir/Patient/" + unknownId,
                "{\"resourceType\":\"Patient\",\"id\":\"" + unknownId + "\"}", "W/\"3\"");
        String entryBody = body.formatted("InTransaction");
        HttpResponse<String> staleEntry = postJson("/fhir", JSON, transaction("{\"resource\":" + entryBody
                + ",\"request\":{\"method\":\"PUT\",\"url\":\"" + match + "\",\"ifMatch\":\"W/\\\"1\\\"\"}}"));
        HttpResponse<String> creatingEntry = postJson("/fhir", JSON, transaction("{\"resource\":{\"resourceType\":"
                + "\"Patient\",\"id\":\"" + unknownId + "\"},\"request\":{\"method\":\"PUT\",\"url\":\"Patient/"
                + unknownId + "\",\"ifMatch\":\"W/\\\"1\\\"\"}}"));
        HttpResponse<String> currentEntry = postJson("/fhir", JSON, transaction("{\"resource\":" + entryBody
                + ",\"request\":{\"method\":\"PUT\",\"url\":\"" + match + "\",\"ifMatch\":\"W/\\\"2\\\"\"}}"));
        // HAPI ignored the ifMatch of a conditional PATCH entry; it cannot be checked there, so it is refused.
        HttpResponse<String> conditionalPatchEntry = postJson("/fhir", JSON, transaction("{\"resource\":{"
                + "\"resourceType\":\"Binary\",\"contentType\":\"application/json-patch+json\",\"data\":\""
                + Base64.getEncoder().encodeToString("[{\"op\":\"add\",\"path\":\"/gender\",\"value\":\"male\"}]"
                        .getBytes(StandardCharsets.UTF_8))
                + "\"},\"request\":{\"method\":\"PATCH\",\"url\":\"" + match + "\",\"ifMatch\":\"W/\\\"1\\\"\"}}"));

        assertThat(stalePut.statusCode()).as(stalePut.body()).isEqualTo(412);
        assertThat(stalePut.body()).contains("current version is 2");
        assertThat(stalePatch.statusCode()).as(stalePatch.body()).isEqualTo(412);
        assertThat(creatingPut.statusCode()).as(creatingPut.body()).isEqualTo(412);
        assertThat(get("/fhir/Patient/" + unknownId).statusCode()).isEqualTo(404);
        assertThat(staleEntry.statusCode()).as(staleEntry.body()).isEqualTo(412);
        assertThat(creatingEntry.statusCode()).as(creatingEntry.body()).isEqualTo(412);
        assertThat(get("/fhir/Patient/" + unknownId).statusCode()).isEqualTo(404);
        assertThat(currentEntry.statusCode()).as(currentEntry.body()).isEqualTo(200);
        assertThat(conditionalPatchEntry.statusCode()).as(conditionalPatchEntry.body()).isEqualTo(400);
        assertThat(conditionalPatchEntry.body()).contains("not supported on a conditional PATCH entry");
        Patient stored = fhirClient().read().resource(Patient.class).withId(id).execute();
        assertThat(stored.getNameFirstRep().getFamily()).isEqualTo("InTransaction");
        assertThat(stored.hasGender()).isFalse();
        assertThat(stored.getMeta().getVersionId()).isEqualTo("3");
    }

    /** The modifiers FHIR defines, a resource type as modifier and chains still search. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Patient?name:exact=Nobody", "Observation?subject:Patient=x",
            "Observation?subject:Patient.name=Nobody", "Observation?code:text=x", "Observation?value-quantity:missing=true",
            "Patient?_count=0&_summary=count", "Patient?_has:Observation:patient:code=x", "Patient?name:contains=ob"})
    void searchesWithModifiersFhirDefinesAreAnswered(String query) throws Exception {
        HttpResponse<String> response = get("/fhir/" + query);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    /** :contains matches inside a string, where a plain string search matches its start only (HAPI: 405). */
    @Test
    void containsFindsAStringByItsMiddle() throws Exception {
        String middle = "mid" + System.nanoTime();
        Patient patient = new Patient();
        patient.addName().setFamily("Pre" + middle + "post");
        String id = fhirClient().create().resource(patient).execute().getId().getIdPart();

        Bundle contains = fhirClient().search().byUrl("Patient?family:contains=" + middle).returnBundle(Bundle.class)
                .execute();
        Bundle startsWith = fhirClient().search().byUrl("Patient?family=" + middle).returnBundle(Bundle.class).execute();

        assertThat(contains.getEntry()).extracting(entry -> entry.getResource().getIdElement().getIdPart())
                .containsExactly(id);
        assertThat(startsWith.getEntry()).isEmpty();
    }

    /** RFC 9110: an If-Modified-Since that is no date is ignored, so the resource is sent. */
    @Test
    void unreadableIfModifiedSinceIsIgnored() throws Exception {
        String id = fhirClient().create().resource(new Patient()).execute().getId().getIdPart();

        String answer = rawExchange("GET /fhir/Patient/" + id + "\r\nIf-Modified-Since: garbage");

        assertThat(answer).startsWith("HTTP/1.1 200").contains("\"resourceType\":\"Patient\"");
    }

    /** Sends a request line and headers (no body) as written, without a client that would refuse or fix them. */
    private String rawExchange(String requestHead) throws Exception {
        boolean withBody = requestHead.startsWith("PUT") || requestHead.startsWith("POST");
        String body = withBody ? "{\"resourceType\":\"Patient\",\"id\":\"x\"}" : "";
        String[] lines = requestHead.split("\r\n", 2);
        return rawRequest(lines[0] + " HTTP/1.1\r\nHost: localhost\r\n"
                + (lines.length > 1 ? lines[1] + "\r\n" : "")
                + (withBody ? "Content-Type: " + JSON + "\r\nContent-Length: " + body.length() + "\r\n" : "")
                + "Connection: close\r\n\r\n" + body);
    }

    /** Writes the bytes of a whole request to the server and returns everything it answers. */
    private String rawRequest(String request) throws Exception {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(UTF_8));
            return new String(socket.getInputStream().readAllBytes(), UTF_8);
        }
    }

    /**
     * Tomcat refuses these before any servlet runs, and answered with its HTML error page. An OperationOutcome now:
     * in FHIR's media type when the target names the FHIR endpoint, plain JSON for the CDS services and when Tomcat
     * could not read the target at all.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("requestsTomcatRefuses")
    void requestTomcatRefusesGetsAnOperationOutcomeNotTomcatsPage(
            String what, String requestLine, int status, String mediaType) throws Exception {
        int auditedBefore = audited("action", "http-refused").size();
        String answer = rawRequest(requestLine + "\r\nHost: localhost\r\nConnection: close\r\n\r\n");

        assertThat(answer).as(what).startsWith("HTTP/1.1 " + status)
                .containsIgnoringCase("Content-Type: " + mediaType + ";")
                .containsIgnoringCase("X-Content-Type-Options: nosniff")
                .containsIgnoringCase("X-Frame-Options: DENY")
                .contains("\"resourceType\":\"OperationOutcome\"", "\"diagnostics\":")
                .doesNotContainIgnoringCase("<html").doesNotContainIgnoringCase("tomcat").doesNotContain("\tat ");

        List<JsonNode> audited = awaitAudited("action", "http-refused", auditedBefore + 1);
        assertThat(audited).as(what + ": audit records of refusals by the HTTP layer").hasSize(auditedBefore + 1);
        JsonNode record = audited.get(audited.size() - 1);
        assertThat(record.path("status").asInt()).isEqualTo(status);
        assertThat(record.path("outcome").asText()).isEqualTo(status < 500 ? "client-error" : "server-error");
        assertThat(record.path("remote").asText()).isNotEmpty();
    }

    /** Tomcat's 400 for an over-long header said the header was malformed; it says what was wrong now. */
    @Test
    void aHeaderOverTheSizeLimitIsSaidToBeTooLong() throws Exception {
        String answer = rawRequest("GET /fhir/metadata HTTP/1.1\r\nHost: localhost\r\nX-Padding: " + "a".repeat(20_000)
                + "\r\nConnection: close\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 4").contains("\"resourceType\":\"OperationOutcome\"",
                "longer than the server accepts");
    }

    /** A request the application answered itself is audited once, by the audit filter, not again as a refusal. */
    @Test
    void requestTheApplicationRefusesIsAuditedOnce() throws Exception {
        String path = "/fhir/Patient/" + UUID.randomUUID();
        assertThat(rawExchange("GET " + path)).startsWith("HTTP/1.1 404");

        awaitAudited("path", path, 1);
        Thread.sleep(500);
        List<JsonNode> records = audited("path", path);
        assertThat(records).hasSize(1);
        assertThat(records.get(0).path("action").asText()).isEqualTo("read");
        assertThat(records.get(0).path("status").asInt()).isEqualTo(404);
    }

    /** The audit records with the field's value, once there are {@code count} (up to 5 s: written after answering). */
    private List<JsonNode> awaitAudited(String field, String value, int count) throws Exception {
        List<JsonNode> records = audited(field, value);
        for (int wait = 0; wait < 50 && records.size() < count; wait++) {
            Thread.sleep(100);
            records = audited(field, value);
        }
        return records;
    }

    private List<JsonNode> audited(String field, String value) throws IOException {
        List<JsonNode> records = new ArrayList<>();
        for (String line : Files.readAllLines(auditLog.file())) {
            JsonNode record = AUDIT_JSON.readTree(line);
            if (value.equals(record.path(field).asText())) {
                records.add(record);
            }
        }
        return records;
    }

    static Stream<Arguments> requestsTomcatRefuses() {
        return Stream.of(
                Arguments.of("'{' in the query", "GET /fhir/Patient?name={x} HTTP/1.1", 400, "application/json"),
                Arguments.of("'{' in a CDS query", "GET /cds-services?x={ HTTP/1.1", 400, "application/json"),
                Arguments.of("'|' in the path", "GET /fhir/Pat|ient HTTP/1.1", 400, "application/fhir+json"),
                Arguments.of("invalid percent-encoding in the path", "GET /fhir/Patient/%zz HTTP/1.1", 400,
                        "application/fhir+json"),
                Arguments.of("invalid percent-encoding in a CDS path", "POST /cds-services/%zz HTTP/1.1", 400,
                        "application/json"),
                Arguments.of("a request line that is no HTTP", "GARBAGE", 400, "application/json"),
                Arguments.of("a request line with a fourth part", "GET /fhir/Patient HTTP/1.1 extra", 400,
                        "application/fhir+json"),
                Arguments.of("an HTTP version Tomcat does not speak", "GET /fhir/metadata HTTP/9.9", 505,
                        "application/fhir+json"));
    }

    /** {@code identifier=system|value} as curl and browsers send it: the '|' not percent-encoded. */
    @Test
    void tokenSearchWithAnUnencodedBarIsAnswered() throws Exception {
        String answer = rawExchange("GET /fhir/Patient?identifier=urn:example:mrn|no-such-mrn\r\n"
                + "Accept: application/fhir+json");

        assertThat(answer).startsWith("HTTP/1.1 200").contains("\"resourceType\":\"Bundle\"", "\"total\":0");
    }

    @ParameterizedTest(name = "declared Content-Length over the limit on {0}")
    @ValueSource(strings = {"/fhir/Patient", "/cds-services/ici-resistance-patient-view"})
    void declaredOversizedBodyIsRefusedWith413BeforeItIsRead(String path) throws Exception {
        // Only the headers are sent: the server must answer from the declared length alone.
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\n"
                            + "Content-Type: application/json\r\nContent-Length: " + (100L << 20) + "\r\n\r\n")
                    .getBytes(UTF_8));
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), UTF_8));
            String statusLine = in.readLine();
            int length = 0;
            for (String header = in.readLine(); !header.isEmpty(); header = in.readLine()) {
                if (header.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(header.substring(15).trim());
                }
            }
            char[] body = new char[length];
            int read = 0;
            while (read < length) {
                read += in.read(body, read, length - read);
            }

            assertThat(statusLine).startsWith("HTTP/1.1 413");
            assertThat(new String(body)).contains("OperationOutcome", "too-long", "resistance.http.max-request-body");
        }
    }

    /**
     * A client that sends its body a byte at a time holds a worker thread while it does; 205 such clients once held
     * every one. Past the 10 s grace its body is cut off with 408, the connection closed.
     */
    @Test
    void aBodyTricklingInIsCutOffWith408() throws Exception {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /fhir/Patient HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/fhir+json\r\n"
                    + "Content-Length: 1000\r\n\r\n").getBytes(UTF_8));
            InputStream in = socket.getInputStream();
            try {
                for (int second = 0; second < 40 && in.available() == 0; second++) {
                    out.write(' ');
                    out.flush();
                    Thread.sleep(1000);
                }
            } catch (IOException closedByTheServer) {
                // the answer is waiting to be read
            }
            String answer = new String(in.readAllBytes(), UTF_8);

            assertThat(answer).startsWith("HTTP/1.1 408").contains("OperationOutcome", "resistance.http.min-upload-rate");
        }
    }

    @Test
    void chunkedOversizedBodyIsRefusedWith413() throws Exception {
        byte[] body = paddedPatient(OVER_LIMIT);

        // No length is declared: the server counts while it reads.
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/fhir/Patient"))
                        .header("Content-Type", JSON)
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).contains("OperationOutcome");
    }

    @Test
    void chunkedBodyUnderTheLimitIsStored() throws Exception {
        byte[] body = "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Chunked\"}]}".getBytes(UTF_8);

        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/fhir/Patient"))
                        .header("Content-Type", JSON)
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        assertThat(response.body()).contains("Chunked");
    }

    /** Default limit (64 MB) plus 1 MB: small enough for the server to drain the rest after refusing. */
    private static final int OVER_LIMIT = 65 << 20;

    /** A valid Patient preceded by whitespace, so only its size is wrong. */
    private static byte[] paddedPatient(int size) {
        byte[] patient = "{\"resourceType\":\"Patient\"}".getBytes(UTF_8);
        byte[] body = new byte[size];
        Arrays.fill(body, (byte) ' ');
        System.arraycopy(patient, 0, body, size - patient.length, patient.length);
        return body;
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
        assertThat(second.statusCode()).as(second.body()).isEqualTo(412);
        assertThat(fhirClient().read().resource(Patient.class).withId(id).execute().getNameFirstRep().getFamily())
                .isEqualTo("Second");
    }

    /**
     * The search checks a lone request gets hold inside a Bundle: HAPI answered a batch entry's negative _offset
     * with a 500 and searched an unknown modifier as if it were absent. (A batch entry's server fault is reduced
     * to an incident id: ErrorSanitizingInterceptorTest.)
     */
    @Test
    void searchEntriesOfABundleGetTheChecksALoneSearchGets() throws Exception {
        HttpResponse<String> batch = postJson("/fhir", JSON, "{\"resourceType\":\"Bundle\",\"type\":\"batch\","
                + "\"entry\":[{\"request\":{\"method\":\"GET\",\"url\":\"Patient?_offset=-1\"}},"
                + "{\"request\":{\"method\":\"GET\",\"url\":\"Patient?name%3Afoo=x\"}},"
                + "{\"request\":{\"method\":\"GET\",\"url\":\"Patient?_count=1\"}},"
                + "{\"request\":{\"method\":\"GET\",\"url\":\"Patient?name=%zz\"}},"
                + "{\"request\":{\"method\":\"GET\",\"url\":\"Observation?code:in=http://example.org/no-such-vs\"}},"
                + "{\"resource\":" + CONDITIONAL_REFERENCE_TO_NOBODY + ",\"request\":{\"method\":\"POST\","
                + "\"url\":\"Observation\"}},"
                + "{\"request\":{\"method\":\"GET\",\"url\":\"Patient/$everything?_type=Foo\"}},"
                + "{\"request\":{\"method\":\"GET\",\"url\":\"Patient?_count=1&address-city=&name:exact=\"}}]}");

        assertThat(batch.statusCode()).as(batch.body()).isEqualTo(200);
        Bundle answer = fhirContext.newJsonParser().parseResource(Bundle.class, batch.body());
        assertThat(answer.getEntry().get(0).getResponse().getStatus()).startsWith("400");
        assertThat(entryDiagnostics(answer, 0)).contains("_offset must be a whole number");
        assertThat(answer.getEntry().get(1).getResponse().getStatus()).startsWith("400");
        assertThat(entryDiagnostics(answer, 1)).contains("Unknown search modifier ':foo'");
        assertThat(answer.getEntry().get(2).getResponse().getStatus()).startsWith("200");
        assertThat(answer.getEntry().get(3).getResponse().getStatus()).startsWith("400");
        assertThat(entryDiagnostics(answer, 3)).contains("not valid percent-encoding");
        // HAPI: 404, with the URL percent-encoded.
        assertThat(answer.getEntry().get(4).getResponse().getStatus()).startsWith("400");
        assertThat(entryDiagnostics(answer, 4)).contains("does not hold", "http://example.org/no-such-vs");
        // HAPI: 404 for both; alone they are 412 and 400.
        assertThat(answer.getEntry().get(5).getResponse().getStatus()).startsWith("412");
        assertThat(answer.getEntry().get(6).getResponse().getStatus()).startsWith("400");
        // Empty parameters are ignored in an entry as alone (HAPI: no match for either).
        assertThat(answer.getEntry().get(7).getResponse().getStatus()).startsWith("200");
        assertThat(((Bundle) answer.getEntry().get(7).getResource()).getEntry()).hasSize(1);

        String marker = "tx-search-" + System.nanoTime();
        HttpResponse<String> transaction = postJson("/fhir", JSON, "{\"resourceType\":\"Bundle\","
                + "\"type\":\"transaction\",\"entry\":[{\"resource\":{\"resourceType\":\"Patient\","
                + "\"name\":[{\"family\":\"" + marker + "\"}]},\"request\":{\"method\":\"POST\","
                + "\"url\":\"Patient\"}},{\"request\":{\"method\":\"GET\",\"url\":\"Patient?_summary=maybe\"}}]}");

        assertThat(transaction.statusCode()).as(transaction.body()).isEqualTo(400);
        assertThat(transaction.body()).contains("_summary must be one of");
        assertThat(fhirClient().search().forResource(Patient.class).where(Patient.FAMILY.matchesExactly().value(marker))
                .returnBundle(Bundle.class).execute().getEntry()).isEmpty();
    }

    private static String entryDiagnostics(Bundle answer, int entry) {
        return ((OperationOutcome) answer.getEntry().get(entry).getResponse().getOutcome())
                .getIssueFirstRep().getDiagnostics();
    }

    /** RFC 9110's create-only precondition: HAPI replaced the existing resource regardless. */
    @Test
    void putWithIfNoneMatchStarCreatesButDoesNotReplace() throws Exception {
        String id = "inm-" + System.nanoTime();
        String body = "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",\"name\":[{\"family\":\"%s\"}]}";

        HttpResponse<String> created = putWithHeader("/fhir/Patient/" + id, body.formatted("First"), "If-None-Match", "*");
        HttpResponse<String> replaced = putWithHeader("/fhir/Patient/" + id, body.formatted("Second"), "If-None-Match", "*");

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(replaced.statusCode()).as(replaced.body()).isEqualTo(412);
        assertThat(fhirClient().read().resource(Patient.class).withId(id).execute().getNameFirstRep().getFamily())
                .isEqualTo("First");

        // A deleted resource has no current representation: writing it again creates (HAPI's hook saw it as there).
        fhirClient().delete().resourceById("Patient", id).execute();
        HttpResponse<String> again = putWithHeader("/fhir/Patient/" + id, body.formatted("Third"), "If-None-Match", "*");
        assertThat(again.statusCode()).as(again.body()).isIn(200, 201);
        assertThat(fhirClient().read().resource(Patient.class).withId(id).execute().getNameFirstRep().getFamily())
                .isEqualTo("Third");
    }

    /** RFC 9110's If-Match: *, "only if it exists": HAPI read "*" as a version, and this server had answered 400. */
    @Test
    void ifMatchStarChangesOnlyWhatExists() throws Exception {
        String id = "ims-" + System.nanoTime();
        String body = "{\"resourceType\":\"Patient\",\"id\":\"%s\",\"name\":[{\"family\":\"%s\"}]}";
        fhirClient().update().resource(body.formatted(id, "First")).execute();

        HttpResponse<String> replaced = put("/fhir/Patient/" + id, body.formatted(id, "Second"), "*");
        HttpResponse<String> created = put("/fhir/Patient/" + id + "-new", body.formatted(id + "-new", "New"), "*");
        HttpResponse<String> deleted = delete("/fhir/Patient/" + id, "*");
        HttpResponse<String> revived = put("/fhir/Patient/" + id, body.formatted(id, "Third"), "*");

        assertThat(replaced.statusCode()).as(replaced.body()).isEqualTo(200);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(412);
        assertThat(created.body()).contains("nothing was created");
        assertThat(get("/fhir/Patient/" + id + "-new").statusCode()).isEqualTo(404);
        assertThat(deleted.statusCode()).as(deleted.body()).isIn(200, 204);
        assertThat(revived.statusCode()).as(revived.body()).isEqualTo(412);
        assertThat(revived.body()).contains("was deleted");
        assertThat(get("/fhir/Patient/" + id).statusCode()).isEqualTo(410);
    }

    /** Writers racing with the same If-Match: one wins, every other gets 412 (HAPI answered the commit's loser 409). */
    @Test
    void writersRacingWithOneIfMatchGet412() throws Exception {
        String id = fhirClient().create().resource(new Patient()).execute().getId().getIdPart();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<HttpResponse<String>>> writes = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String body = "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",\"name\":[{\"family\":\"W" + i + "\"}]}";
                writes.add(pool.submit(() -> put("/fhir/Patient/" + id, body, "W/\"1\"")));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<HttpResponse<String>> write : writes) {
                statuses.add(write.get().statusCode());
            }
            assertThat(statuses).filteredOn(status -> status == 200).hasSize(1);
            assertThat(statuses).filteredOn(status -> status != 200).containsOnly(412);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void deleteWithAStaleIfMatchIsRefusedAndWithTheCurrentOneDeletes() throws Exception {
        Patient patient = new Patient();
        patient.addName().setFamily("Before");
        String id = fhirClient().create().resource(patient).execute().getId().getIdPart();
        put("/fhir/Patient/" + id, "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\"}", "W/\"1\"");

        HttpResponse<String> stale = delete("/fhir/Patient/" + id, "W/\"1\"");
        int afterStale = get("/fhir/Patient/" + id).statusCode();
        HttpResponse<String> current = delete("/fhir/Patient/" + id, "W/\"2\"");

        assertThat(stale.statusCode()).as(stale.body()).isEqualTo(412);
        assertThat(stale.body()).contains("OperationOutcome", "current version is 2");
        assertThat(afterStale).isEqualTo(200);
        assertThat(current.statusCode()).as(current.body()).isEqualTo(200);
        assertThat(get("/fhir/Patient/" + id).statusCode()).isEqualTo(410);
    }

    /** FHIR R4 3.1.0.4.3: the body's id must be the matched resource's; HAPI overwrote the match regardless. */
    @Test
    void conditionalUpdateWithAnotherIdInTheBodyIsRefused() throws Exception {
        String mrn = "cu-" + System.nanoTime();
        String id = storedWithMrn(mrn, "Kept");
        String path = "/fhir/Patient?identifier=urn:example:mrn%7C" + mrn;

        HttpResponse<String> mismatch = putConditional(path, "{\"resourceType\":\"Patient\",\"id\":\"other-" + id
                + "\",\"identifier\":[{\"system\":\"urn:example:mrn\",\"value\":\"" + mrn + "\"}]}");
        HttpResponse<String> noMatch = putConditional("/fhir/Patient?identifier=urn:example:mrn%7Cnone-" + mrn,
                "{\"resourceType\":\"Patient\",\"id\":\"client-" + id + "\"}");
        HttpResponse<String> sameId = putConditional(path, "{\"resourceType\":\"Patient\",\"id\":\"" + id
                + "\",\"identifier\":[{\"system\":\"urn:example:mrn\",\"value\":\"" + mrn + "\"}],"
                + "\"name\":[{\"family\":\"Updated\"}]}");

        assertThat(mismatch.statusCode()).as(mismatch.body()).isEqualTo(400);
        assertThat(mismatch.body()).contains("OperationOutcome", "matched Patient/" + id);
        assertThat(noMatch.statusCode()).as(noMatch.body()).isEqualTo(400);
        assertThat(get("/fhir/Patient?identifier=urn:example:mrn%7Cnone-" + mrn + "&_summary=count").body())
                .contains("\"total\":0");
        assertThat(sameId.statusCode()).as(sameId.body()).isEqualTo(200);
        assertThat(fhirClient().read().resource(Patient.class).withId(id).execute().getNameFirstRep().getFamily())
                .isEqualTo("Updated");
    }

    static Stream<Arguments> patchesThatCannotBeApplied() {
        String fhirPathDelete = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"operation\",\"part\":["
                + "{\"name\":\"type\",\"valueCode\":\"delete\"},{\"name\":\"path\",\"valueString\":\"Patient.(((\"}]}]}";
        String fhirPathReplace = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"operation\",\"part\":["
                + "{\"name\":\"type\",\"valueCode\":\"replace\"},{\"name\":\"path\",\"valueString\":\"Patient.gender\"},"
                + "{\"name\":\"value\",\"valueCode\":\"bogus\"}]}]}";
        String fhirPathAddUnknown = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"operation\","
                + "\"part\":[{\"name\":\"type\",\"valueCode\":\"add\"},{\"name\":\"path\",\"valueString\":\"Patient\"},"
                + "{\"name\":\"name\",\"valueString\":\"colour\"},{\"name\":\"value\",\"valueString\":\"blue\"}]}]}";
        String fhirPathAddWrongType = fhirPathAddUnknown.replace("colour", "birthDate");
        return Stream.of(
                Arguments.of("FHIRPath Patch whose path does not parse", JSON, fhirPathDelete, "cannot be applied"),
                Arguments.of("FHIRPath Patch adding a string as a date (HAPI's message: Java reflection's)", JSON,
                        fhirPathAddWrongType, "of a type the element does not take"),
                Arguments.of("FHIRPath Patch adding an element FHIR does not define (HAPI's message: a Java NPE)", JSON,
                        fhirPathAddUnknown, "names an element, a type or a position that FHIR R4"),
                Arguments.of("FHIRPath Patch whose value does not fit", JSON, fhirPathReplace, "bogus"),
                Arguments.of("FHIRPath Patch body that is no Parameters", JSON, "{\"resourceType\":\"Patient\"}",
                        "Parameters"),
                Arguments.of("XML Patch that selects nothing", "application/xml-patch+xml",
                        "<diff><remove sel=\"/Patient/nothing\"/></diff>", "cannot be applied"),
                Arguments.of("XML Patch that is no XML", "application/xml-patch+xml", "not xml", "cannot be applied"),
                Arguments.of("JSON Patch that changes the id (HAPI: 200, change dropped)", "application/json-patch+json",
                        "[{\"op\":\"replace\",\"path\":\"/id\",\"value\":\"another-id\"}]", "an id cannot change"));
    }

    /** HAPI's answers named its parsers, or only the media type it refused; nothing is stored. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "a JSON Patch sent as a FHIR resource | application/fhir+json | [{\"op\":\"add\",\"path\":\"/active\",\"value\":true}] | 400 | Send a JSON Patch as application/json-patch+json",
        "a JSON Patch sent as plain JSON | application/json | [{\"op\":\"add\",\"path\":\"/active\",\"value\":true}] | 415 | PATCH takes a JSON Patch",
        "a Parameters sent as a JSON Patch | application/json-patch+json | {\"resourceType\":\"Parameters\"} | 400 | A JSON Patch is an array of operations",
        "a JSON Patch replacing what the resource lacks | application/json-patch+json | [{\"op\":\"replace\",\"path\":\"/active\",\"value\":true}] | 400 | add creates it"})
    void aPatchOfTheWrongKindSaysWhichBodyPatchTakes(String what, String contentType, String body, int status,
            String hint) throws Exception {
        String id = fhirClient().create().resource(new Patient()).execute().getId().getIdPart();

        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/fhir/Patient/" + id))
                        .header("Content-Type", contentType)
                        .method("PATCH", HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).as(what + ": " + answer.body()).isEqualTo(status);
        assertThat(answer.body()).as(what).contains("OperationOutcome", hint)
                .doesNotContain("first non-whitespace", "Cannot deserialize");
        assertThat(fhirClient().read().resource(Patient.class).withId(id).execute().getMeta().getVersionId())
                .isEqualTo("1");
    }

    /** HAPI failed each of these deep in its patch code, as a server fault (500); nothing is stored. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("patchesThatCannotBeApplied")
    void aPatchThatCannotBeAppliedIsA400(String what, String contentType, String body, String reason) throws Exception {
        String id = fhirClient().create().resource(new Patient().setGender(
                org.hl7.fhir.r4.model.Enumerations.AdministrativeGender.FEMALE)).execute().getId().getIdPart();

        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/fhir/Patient/" + id))
                        .header("Content-Type", contentType)
                        .method("PATCH", HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).as(what + ": " + answer.body()).isEqualTo(400);
        assertThat(answer.body()).as(what).contains("OperationOutcome", reason)
                .doesNotContain("Incident", "Cannot invoke", "Exception");
        assertThat(fhirClient().read().resource(Patient.class).withId(id).execute().getMeta().getVersionId())
                .isEqualTo("1");
    }

    /**
     * HAPI's XML Patch library resolved external entities: a file's text was stored in the patched resource, and an
     * http entity made the server fetch the URL (found by an XML audit). Alone and as a transaction entry: 400,
     * nothing read, fetched or changed.
     */
    @Test
    void anXmlPatchWithADoctypeIsRefusedAndItsEntitiesNeverResolved() throws Exception {
        Path secret = Files.createTempFile("xxe-secret", ".txt");
        Files.writeString(secret, "secret-file-content");
        java.util.concurrent.atomic.AtomicInteger fetched = new java.util.concurrent.atomic.AtomicInteger();
        com.sun.net.httpserver.HttpServer listener = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        listener.createContext("/", exchange -> {
            fetched.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        listener.start();
        try {
            String id = fhirClient().create().resource(new Patient().addName(new org.hl7.fhir.r4.model.HumanName()
                    .setFamily("Original"))).execute().getId().getIdPart();
            String fileEntity = "<?xml version=\"1.0\"?><!DOCTYPE diff [<!ENTITY x SYSTEM \"" + secret.toUri()
                    + "\">]><diff xmlns:f=\"http://hl7.org/fhir\"><replace sel=\"/f:Patient/f:name/f:family/@value\">"
                    + "&x;</replace></diff>";
            String urlEntity = fileEntity.replace(secret.toUri().toString(),
                    "http://localhost:" + listener.getAddress().getPort() + "/entity");
            String entry = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":{"
                    + "\"resourceType\":\"Binary\",\"contentType\":\"application/xml-patch+xml\",\"data\":\""
                    + Base64.getEncoder().encodeToString(fileEntity.getBytes(StandardCharsets.UTF_8))
                    + "\"},\"request\":{\"method\":\"PATCH\",\"url\":\"Patient/" + id + "\"}}]}";

            List<HttpResponse<String>> answers = List.of(
                    xmlPatch("/fhir/Patient/" + id, fileEntity), xmlPatch("/fhir/Patient/" + id, urlEntity),
                    postJson("/fhir", "application/fhir+json", entry));

            for (HttpResponse<String> answer : answers) {
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
                assertThat(answer.body()).contains("document type declaration").doesNotContain("secret-file-content");
            }
            assertThat(fetched).as("requests the server made to the entity's URL").hasValue(0);
            Patient stored = fhirClient().read().resource(Patient.class).withId(id).execute();
            assertThat(stored.getNameFirstRep().getFamily()).isEqualTo("Original");
            assertThat(stored.getMeta().getVersionId()).isEqualTo("1");
        } finally {
            listener.stop(0);
            Files.deleteIfExists(secret);
        }
    }

    private HttpResponse<String> xmlPatch(String path, String patch) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
                        .header("Content-Type", "application/xml-patch+xml")
                        .method("PATCH", HttpRequest.BodyPublishers.ofString(patch))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** HAPI failed on a PATCH naming neither a resource nor a search with a 500; in a batch it was already a 400. */
    @Test
    void aPatchNamingNoResourceIsA400() throws Exception {
        for (String path : List.of("/fhir/Patient", "/fhir/Patient?")) {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
                            .header("Content-Type", "application/json-patch+json")
                            .method("PATCH", HttpRequest.BodyPublishers.ofString(
                                    "[{\"op\":\"add\",\"path\":\"/active\",\"value\":true}]"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(answer.statusCode()).as(path + ": " + answer.body()).isEqualTo(400);
            assertThat(answer.body()).as(path).contains("OperationOutcome", "PATCH Patient/[id]");
        }
    }

    /**
     * A resource the validator would need more heap for than it may have (an OutOfMemoryError stopped the server) is
     * refused before validation starts, alone, as a transaction entry and on $validate; the server keeps answering.
     */
    @Test
    void aResourceTooLargeToValidateIsRefusedBeforeTheValidatorRuns() throws Exception {
        String family = "TooLarge" + UUID.randomUUID().toString().substring(0, 8);
        StringBuilder names = new StringBuilder();
        for (int i = 0; i < 50_001; i++) {
            names.append(i == 0 ? "" : ",").append("{\"family\":\"").append(family).append("\"}");
        }
        // 1 + resourceType + 2 per name: 100,004 elements, over the 100,000 the shared server allows (a stored
        // resource is counted as HAPI encodes it, with what storage adds).
        String patient = "{\"resourceType\":\"Patient\",\"name\":[" + names + "]}";
        String transaction = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":"
                + patient + ",\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}}]}";

        HttpResponse<String> create = postJson("/fhir/Patient", JSON, patient);
        HttpResponse<String> inTransaction = postJson("/fhir", JSON, transaction);
        HttpResponse<String> validate = postJson("/fhir/Patient/$validate", JSON, patient);

        for (HttpResponse<String> answer : List.of(create, inTransaction)) {
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(422);
            assertThat(answer.body()).containsPattern("10000[4-9] elements; this server validates resources of up to "
                    + "100000 \\(resistance.validation.max-elements");
        }
        assertThat(inTransaction.body()).contains("Bundle.entry[0] (Patient)");
        assertThat(validate.body()).contains("\"severity\":\"error\"", "100004 elements");
        assertThat(fhirClient().search().forResource(Patient.class).where(Patient.FAMILY.matchesExactly().value(family))
                .returnBundle(Bundle.class).execute().getEntry()).as("nothing stored").isEmpty();
        assertThat(get("/fhir/Patient?_count=1").statusCode()).isEqualTo(200);
    }

    /**
     * HAPI searched {@code family:not=Keep} as {@code family=Keep}: this conditional delete removed the very Patient
     * it named to keep. A modifier on a parameter of a type FHIR does not allow it for is 400 wherever a search is.
     */
    @Test
    void aModifierForAnotherParameterTypeIsRefusedNotIgnored() throws Exception {
        String system = "urn:example:nd-" + UUID.randomUUID();
        Patient keep = new Patient();
        keep.addIdentifier().setSystem(system).setValue("keep");
        keep.addName().setFamily("Keep");
        Patient remove = new Patient();
        remove.addIdentifier().setSystem(system).setValue("remove");
        remove.addName().setFamily("Remove");
        fhirClient().create().resource(keep).execute();
        fhirClient().create().resource(remove).execute();
        String match = "Patient?identifier=" + URLEncoder.encode(system + "|", StandardCharsets.UTF_8) + "&family:not=Keep";

        HttpResponse<String> delete = http.send(HttpRequest.newBuilder(URI.create(fhirBase() + "/" + match)).DELETE()
                .build(), HttpResponse.BodyHandlers.ofString());
        String transaction = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"request\":"
                + "{\"method\":\"DELETE\",\"url\":\"" + match + "\"}}]}";
        HttpResponse<String> inTransaction = postJson("/fhir", JSON, transaction);
        HttpResponse<String> ifNoneExist = http.send(HttpRequest.newBuilder(URI.create(fhirBase() + "/Patient"))
                .header("Content-Type", JSON).header("If-None-Exist", "family:not=Keep")
                .POST(HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Patient\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> search = get("/fhir/Observation?date:not=2024-02-01");

        for (HttpResponse<String> answer : List.of(delete, inTransaction, ifNoneExist, search)) {
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
            assertThat(answer.body()).contains("does not apply to");
        }
        assertThat(delete.body()).contains("'family' of Patient, a string parameter");
        assertThat(fhirClient().search().byUrl("Patient?identifier=" + system + "|").returnBundle(Bundle.class)
                .execute().getEntry()).as("both Patients kept").hasSize(2);
        assertThat(get("/fhir/Patient?identifier=" + URLEncoder.encode(system + "|", StandardCharsets.UTF_8)
                + "&gender:not=male").statusCode()).isEqualTo(200);
    }

    /**
     * A POST search with a query in its URL lost its form body: the container read the body for the syntax check and
     * HAPI then found it empty, so {@code _search?_summary=count} with {@code code=x} counted every Observation.
     */
    @Test
    void aPostSearchKeepsItsFormBodyBesideItsQuery() throws Exception {
        String family = "Form" + UUID.randomUUID().toString().substring(0, 8);
        Patient patient = new Patient();
        patient.addName().setFamily(family);
        fhirClient().create().resource(patient).execute();
        fhirClient().create().resource(new Patient().addName(new org.hl7.fhir.r4.model.HumanName().setFamily("Other")))
                .execute();

        for (String url : List.of("/fhir/Patient/_search?_summary=count", "/fhir/Patient/_search")) {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + url))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString("family:exact=" + family)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            Bundle found = fhirContext.newJsonParser().parseResource(Bundle.class, answer.body());
            assertThat(found.getTotal()).as(url).isEqualTo(1);
        }
        HttpResponse<String> badModifier = http.send(HttpRequest.newBuilder(URI.create(baseUrl()
                                + "/fhir/Patient/_search?_count=5"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("family:not=" + family)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(badModifier.statusCode()).as(badModifier.body()).isEqualTo(400);
        // HAPI read a body of another type as no parameters at all, and searched everything.
        HttpResponse<String> json = postJson("/fhir/Patient/_search", JSON,
                "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"family\",\"valueString\":\"x\"}]}");
        assertThat(json.statusCode()).as(json.body()).isEqualTo(415);
        assertThat(json.body()).contains("application/x-www-form-urlencoded");
    }

    /**
     * A transaction of 50,000 entries under the body limit kept the heap full for minutes, and a batch of 3,000
     * searches built a response that ran it out: both are refused before any entry runs.
     */
    @Test
    void bundlesAskingForTooMuchWorkAreRefusedBeforeAnyEntryRuns() throws Exception {
        String family = "Entries" + UUID.randomUUID().toString().substring(0, 8);
        String create = "{\"resource\":{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + family
                + "\"}]},\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}}";
        String read = "{\"request\":{\"method\":\"GET\",\"url\":\"Patient?_count=1\"}}";

        HttpResponse<String> manyEntries = postJson("/fhir", JSON, bundle("transaction", create, 10_001));
        HttpResponse<String> manyReads = postJson("/fhir", JSON, bundle("batch", read, 101)
                .replaceFirst("\\[", java.util.regex.Matcher.quoteReplacement("[" + create + ",")));

        assertThat(manyEntries.statusCode()).as(manyEntries.body()).isEqualTo(413);
        assertThat(manyEntries.body()).contains("10001 entries", "resistance.http.max-bundle-entries");
        assertThat(manyReads.statusCode()).as(manyReads.body()).isEqualTo(413);
        assertThat(manyReads.body()).contains("101 read entries", "resistance.http.max-bundle-reads");
        assertThat(fhirClient().search().byUrl("Patient?family:exact=" + family).returnBundle(Bundle.class)
                .execute().getEntry()).as("nothing stored").isEmpty();
        assertThat(postJson("/fhir", JSON, bundle("batch", read, 100)).statusCode()).isEqualTo(200);
    }

    /** The record size a stored patient is held to applies to one given in the request (75,000 ran the heap out). */
    @Test
    void evaluatingAGivenBundleLargerThanAStoredRecordMayBeIsRefused() throws Exception {
        String observation = "{\"resource\":{\"resourceType\":\"Observation\",\"status\":\"final\","
                + "\"code\":{\"text\":\"x\"},\"subject\":{\"reference\":\"Patient/p\"}}}";
        String record = bundle("collection", observation, 10_001).replaceFirst("\\[",
                "[{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"p\"}},");
        String parameters = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"bundle\",\"resource\":"
                + record + "}]}";

        HttpResponse<String> answer = postJson("/fhir/$evaluate-resistance", JSON, parameters);

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(422);
        assertThat(answer.body()).contains("10001 Observation resources", "up to 10000");
    }

    private static String bundle(String type, String entry, int copies) {
        return "{\"resourceType\":\"Bundle\",\"type\":\"" + type + "\",\"entry\":["
                + String.join(",", java.util.Collections.nCopies(copies, entry)) + "]}";
    }

    /**
     * Two entries of one transaction that reach the same resource, one by a conditional URL: HAPI ran both, answered
     * 200 to each, and kept one version ("Direct" was acknowledged and never stored).
     */
    @Test
    void aTransactionReachingOneResourceTwiceByAConditionalUrlIsRefused() throws Exception {
        String mrn = "overlap-" + UUID.randomUUID();
        String id = storedWithMrn(mrn, "First");
        // The resource of a conditional PUT carries no id: the URL's match gives it one.
        String put = "{\"resource\":{\"resourceType\":\"Patient\",%s\"identifier\":[{\"system\":"
                + "\"urn:example:mrn\",\"value\":\"" + mrn + "\"}],\"name\":[{\"family\":\"%s\"}]},"
                + "\"request\":{\"method\":\"PUT\",\"url\":\"%s\"}}";
        String byId = "\"id\":\"" + id + "\",";
        String conditional = "Patient?identifier=urn:example:mrn%7C" + mrn;
        String twoPuts = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
                + put.formatted(byId, "Direct", "Patient/" + id) + "," + put.formatted("", "Cond", conditional) + "]}";
        String deleteAndPut = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
                + "{\"request\":{\"method\":\"DELETE\",\"url\":\"" + conditional + "\"}},"
                + put.formatted(byId, "Again", "Patient/" + id) + "]}";

        for (String transaction : List.of(twoPuts, deleteAndPut)) {
            HttpResponse<String> answer = postJson("/fhir", JSON, transaction);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
            assertThat(answer.body()).contains("its URL matches Patient/" + id + ", which this transaction also changes");
        }
        Patient stored = fhirClient().read().resource(Patient.class).withId(id).execute();
        assertThat(stored.getMeta().getVersionId()).isEqualTo("1");
        assertThat(stored.getNameFirstRep().getFamily()).isEqualTo("First");
        // One entry per resource is still a transaction like any other.
        HttpResponse<String> once = postJson("/fhir", JSON, "{\"resourceType\":\"Bundle\",\"type\":\"transaction\","
                + "\"entry\":[" + put.formatted("", "Cond", conditional) + "]}");
        assertThat(once.statusCode()).as(once.body()).isEqualTo(200);
    }

    /** FHIR has a transaction fail when any entry fails; HAPI answered a read of a missing resource 404 and committed. */
    @Test
    void aTransactionWhoseReadFailsStoresNothing() throws Exception {
        String family = "ReadFails" + UUID.randomUUID().toString().substring(0, 8);
        String create = "{\"resource\":{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + family
                + "\"}]},\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}}";
        String read = "{\"request\":{\"method\":\"GET\",\"url\":\"Patient/no-such-patient-x\"}}";

        HttpResponse<String> transaction = postJson("/fhir", JSON,
                "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[" + create + "," + read + "]}");
        HttpResponse<String> batch = postJson("/fhir", JSON,
                "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":[" + create + "," + read + "]}");

        assertThat(transaction.statusCode()).as(transaction.body()).isEqualTo(404);
        assertThat(transaction.body()).contains("entry GET Patient/no-such-patient-x", "is not known. A transaction",
                "nothing was stored");
        // A batch's entries stand alone: the create is kept, the read answered 404.
        assertThat(batch.statusCode()).as(batch.body()).isEqualTo(200);
        assertThat(batch.body()).contains("201 Created", "404");
        assertThat(fhirClient().search().byUrl("Patient?family:exact=" + family).returnBundle(Bundle.class)
                .execute().getEntry()).as("the batch's Patient only").hasSize(1);
        // A HEAD entry fails the same way, named as it was sent (it runs as a GET).
        HttpResponse<String> head = postJson("/fhir", JSON, "{\"resourceType\":\"Bundle\",\"type\":\"transaction\","
                + "\"entry\":[" + create + "," + read.replace("GET", "HEAD") + "]}");
        assertThat(head.statusCode()).as(head.body()).isEqualTo(404);
        assertThat(head.body()).contains("entry HEAD Patient/no-such-patient-x");
    }

    /** HAPI coded every refusal "processing"; the issue code now says what the status says. */
    @Test
    void aRefusalsIssueCodeSaysWhatItsStatusSays() throws Exception {
        String id = storedWithMrn("codes-" + UUID.randomUUID(), "Codes");
        HttpResponse<String> stale = put("/fhir/Patient/" + id, "{\"resourceType\":\"Patient\",\"id\":\"" + id
                + "\"}", "W/\"9\"");
        postJson("/fhir/Observation", JSON, "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":"
                + "{\"text\":\"x\"},\"subject\":{\"reference\":\"Patient/" + id + "\"}}");
        HttpResponse<String> referenced = http.send(HttpRequest.newBuilder(URI.create(fhirBase() + "/Patient/" + id))
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> missing = get("/fhir/Patient/no-such-patient-codes");

        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("\"code\":\"not-found\"");
        assertThat(stale.statusCode()).isEqualTo(412);
        assertThat(stale.body()).contains("\"code\":\"conflict\"");
        assertThat(referenced.statusCode()).as(referenced.body()).isEqualTo(409);
        assertThat(referenced.body()).contains("\"code\":\"conflict\"");
    }

    /** Stores a Patient with the MRN urn:example:mrn|mrn and the family name; its id. */
    private String storedWithMrn(String mrn, String family) {
        Patient patient = new Patient();
        patient.addIdentifier().setSystem("urn:example:mrn").setValue(mrn);
        patient.addName().setFamily(family);
        return fhirClient().create().resource(patient).execute().getId().getIdPart();
    }

    private HttpResponse<String> putConditional(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
                        .header("Content-Type", JSON)
                        .PUT(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> delete(String path, String ifMatch) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).header("If-Match", ifMatch).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> put(String path, String body, String ifMatch) throws Exception {
        return putWithHeader(path, body, "If-Match", ifMatch);
    }

    private HttpResponse<String> putWithHeader(String path, String body, String header, String value) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
                        .header("Content-Type", JSON)
                        .header(header, value)
                        .PUT(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
