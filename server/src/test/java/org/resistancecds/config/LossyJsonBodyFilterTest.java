package org.resistancecds.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LossyJsonBodyFilterTest {

    /** HAPI read a string of spaces as no value and dropped it: a Patient stored without its name (an XML audit). */
    @Test
    void aStringOfOnlyWhitespaceIsALossInFhirWrites() throws Exception {
        byte[] blank = "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"  \"}]}".getBytes(StandardCharsets.UTF_8);

        assertThat(LossyJsonBodyFilter.firstLoss(blank, true, true)).contains("no characters but whitespace");
        assertThat(LossyJsonBodyFilter.firstLoss(blank, true, false)).as("not a FHIR write").isNull();
        assertThat(LossyJsonBodyFilter.firstLoss("{\"resourceType\":\"Patient\",\"name\":[{\"family\":\" Doe \"}]}"
                .getBytes(StandardCharsets.UTF_8), true, true)).isNull();
    }

    /** HAPI's validator failed past 255 levels with a 500 (an XML audit: extensions nested 130 deep). */
    @Test
    void nestingPastTheLimitIsRefusedOnFhirPathsOnly() throws Exception {
        String deep = "{\"resourceType\":\"Patient\",\"x\":" + "[".repeat(LossyJsonBodyFilter.MAX_DEPTH)
                + "]".repeat(LossyJsonBodyFilter.MAX_DEPTH) + "}";
        String allowed = "{\"resourceType\":\"Patient\",\"x\":" + "[".repeat(LossyJsonBodyFilter.MAX_DEPTH - 2)
                + "1" + "]".repeat(LossyJsonBodyFilter.MAX_DEPTH - 2) + "}";

        assertThat(LossyJsonBodyFilter.firstLoss(deep.getBytes(StandardCharsets.UTF_8), true, false, true))
                .contains("more than " + LossyJsonBodyFilter.MAX_DEPTH + " levels");
        assertThat(LossyJsonBodyFilter.firstLoss(allowed.getBytes(StandardCharsets.UTF_8), true, false, true)).isNull();
        assertThat(LossyJsonBodyFilter.firstLoss(deep.getBytes(StandardCharsets.UTF_8), true, false, false)).isNull();
    }

    @Test
    void aKeyNamedTwiceIsALoss() throws Exception {
        String fault = LossyJsonBodyFilter.firstLoss(
                "{\"resourceType\":\"Patient\",\"birthDate\":\"1970-01-01\",\"birthDate\":\"1980-01-01\"}"
                        .getBytes(StandardCharsets.UTF_8), true);

        assertThat(fault).contains("Duplicate field 'birthDate'", "line 1", "Nothing was stored");
    }

    @Test
    void aLatin1ByteInAStringIsALoss() throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes("{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Ren".getBytes(StandardCharsets.UTF_8));
        body.write(0xE9); // "é" in ISO-8859-1, no UTF-8 sequence
        body.writeBytes("\"}]}".getBytes(StandardCharsets.UTF_8));

        assertThat(LossyJsonBodyFilter.firstLoss(body.toByteArray(), true)).contains("not valid UTF-8", "Nothing was stored");
    }

    @Test
    void validUtf8AndOtherFaultsAreLeftToHapi() throws Exception {
        assertThat(LossyJsonBodyFilter.firstLoss("{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"René 漢字 😀\"}]}"
                .getBytes(StandardCharsets.UTF_8), true)).isNull();
        assertThat(LossyJsonBodyFilter.firstLoss("{\"resourceType\":".getBytes(StandardCharsets.UTF_8), true)).isNull();
        assertThat(LossyJsonBodyFilter.firstLoss("{\"family\":\"Ren\u00e9\"}".getBytes(StandardCharsets.UTF_16), true))
                .as("UTF-16 with its byte-order mark").isNull();
    }

    /** Sequences the JSON parser lets through: an encoded surrogate (CESU-8) and an overlong "A". */
    @Test
    void encodedSurrogatesAndOverlongFormsAreALoss() throws Exception {
        for (byte[] bad : new byte[][] {{(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xC1, (byte) 0x81}}) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.writeBytes("{\"family\":\"a".getBytes(StandardCharsets.UTF_8));
            body.writeBytes(bad);
            body.writeBytes("b\"}".getBytes(StandardCharsets.UTF_8));

            assertThat(LossyJsonBodyFilter.firstLoss(body.toByteArray(), true)).contains("not valid UTF-8");
            assertThat(LossyJsonBodyFilter.firstLoss(body.toByteArray(), false))
                    .as("declared in another encoding").isNull();
        }
    }

    /** JSON escapes: a pair is one character (kept); half a pair, in a value or a key, is a loss. */
    @Test
    void anEscapeOfHalfASurrogatePairIsALoss() throws Exception {
        assertThat(LossyJsonBodyFilter.firstLoss("{\"family\":\"a\\ud83d\\ude00b\"}".getBytes(StandardCharsets.UTF_8), true))
                .as("both halves").isNull();
        for (String json : new String[] {"{\"family\":\"a\\ud800\"}", "{\"family\":\"\\ude00b\"}",
                "{\"family\":\"\\ud800\\ud800\"}", "{\n\"a\\ud800\":1}"}) {
            assertThat(LossyJsonBodyFilter.firstLoss(json.getBytes(StandardCharsets.UTF_8), true)).as(json)
                    .contains("half a UTF-16 surrogate pair", "line ", "Nothing was stored");
        }
    }

    /** In FHIR JSON only: HAPI dropped these from a transaction's entries without a word. */
    @Test
    void anEmptyOrNullElementOfAFhirResourceIsALoss() throws Exception {
        for (String json : new String[] {"{\"resourceType\":\"Patient\",\"name\":[{}]}",
                "{\"resourceType\":\"Patient\",\"name\":[]}", "{\"resourceType\":\"Patient\",\"gender\":null}"}) {
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            assertThat(LossyJsonBodyFilter.firstLoss(body, true, true)).as(json)
                    .contains("line 1, column ", "leave the element out", "Nothing was stored");
            assertThat(LossyJsonBodyFilter.firstLoss(body, true, false)).as("not FHIR: " + json).isNull();
        }
        // A null that keeps a repeating primitive's extensions in line with its values is FHIR JSON.
        assertThat(LossyJsonBodyFilter.firstLoss(("{\"resourceType\":\"Patient\",\"name\":[{\"given\":[\"A\",\"B\"],"
                + "\"_given\":[null,{\"id\":\"b\"}]}]}").getBytes(StandardCharsets.UTF_8), true, true)).isNull();
    }

    /** ext-1: HAPI dropped an extension with only a url from a transaction's entries. */
    @Test
    void anExtensionWithNeitherValueNorExtensionsIsALoss() throws Exception {
        for (String json : new String[] {
                "{\"resourceType\":\"Patient\",\"extension\":[{\"url\":\"http://x.org/a\"}]}",
                "{\"resourceType\":\"Patient\",\"_birthDate\":{\"extension\":[{\"url\":\"http://x.org/a\"}]}}",
                "{\"resourceType\":\"Patient\",\"extension\":[{\"url\":\"http://x.org/a\",\"extension\":"
                        + "[{\"url\":\"b\",\"valueString\":\"x\"},{\"url\":\"c\"}]}]}",
                "{\"resourceType\":\"Observation\",\"modifierExtension\":[{\"url\":\"http://x.org/m\",\"id\":\"m\"}]}"}) {
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            assertThat(LossyJsonBodyFilter.firstLoss(body, true, true)).as(json)
                    .contains("an extension with neither a value nor extensions", "ext-1", "Nothing was stored");
            assertThat(LossyJsonBodyFilter.firstLoss(body, true, false)).as("not FHIR: " + json).isNull();
        }
        for (String json : new String[] {
                "{\"resourceType\":\"Patient\",\"extension\":[{\"url\":\"http://x.org/a\",\"valueCoding\":"
                        + "{\"code\":\"c\",\"extension\":[{\"url\":\"d\",\"valueBoolean\":true}]}}]}",
                "{\"resourceType\":\"Patient\",\"extension\":[{\"url\":\"http://x.org/a\",\"extension\":"
                        + "[{\"url\":\"b\",\"valueString\":\"x\"}]}]}",
                "{\"resourceType\":\"Patient\",\"extension\":[{\"url\":\"http://x.org/a\",\"_valueString\":"
                        + "{\"extension\":[{\"url\":\"http://hl7.org/fhir/StructureDefinition/data-absent-reason\","
                        + "\"valueCode\":\"unknown\"}]}}]}",
                "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":"
                        + "{\"resourceType\":\"Patient\",\"extension\":[{\"url\":\"u\",\"valueReference\":"
                        + "{\"reference\":\"Patient/1\"}}]}}]}"}) {
            assertThat(LossyJsonBodyFilter.firstLoss(json.getBytes(StandardCharsets.UTF_8), true, true)).as(json).isNull();
        }
    }
}
