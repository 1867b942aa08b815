package org.resistancecds.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LossyXmlBodyFilterTest {

    private static String lossIn(String patientContent) {
        return LossyXmlBodyFilter.firstLoss(("<Patient xmlns=\"http://hl7.org/fhir\">" + patientContent + "</Patient>")
                .getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anElementWithNeitherValueNorChildrenIsALoss() {
        assertThat(lossIn("<name><family value=\"A\"/></name><gender/>"))
                .contains("<gender> with neither a value nor child elements", "line 1, column ", "ele-1",
                        "Nothing was stored");
        assertThat(lossIn("<name id=\"n1\"></name>")).as("an id is no content").contains("<name>");
    }

    @Test
    void anExtensionWithNeitherValueNorExtensionsIsALoss() {
        assertThat(lossIn("<extension url=\"https://hospital.example/flag\"/>"))
                .contains("extension with neither a value nor extensions", "ext-1");
        assertThat(lossIn("<modifierExtension url=\"https://hospital.example/a\"><id value=\"x\"/></modifierExtension>"))
                .as("children, but no value").contains("ext-1");
        assertThat(lossIn("<extension url=\"https://hospital.example/a\"><extension url=\"b\"/></extension>"))
                .as("the nested one").contains("ext-1");
    }

    @Test
    void completeFhirXmlIsNoLoss() {
        assertThat(lossIn("<text><status value=\"generated\"/><div xmlns=\"http://www.w3.org/1999/xhtml\">a<br/></div>"
                + "</text><extension url=\"https://hospital.example/a\"><extension url=\"b\"><valueCode value=\"x\"/>"
                + "</extension></extension><name><given value=\"A\"><extension url=\"c\"><valueString value=\"y\"/>"
                + "</extension></given></name><birthDate><extension url=\"https://hospital.example/d\">"
                + "<valueBoolean value=\"true\"/></extension></birthDate>")).isNull();
        assertThat(lossIn("")).as("an empty resource").isNull();
        assertThat(LossyXmlBodyFilter.firstLoss(("<Bundle xmlns=\"http://hl7.org/fhir\"><type value=\"transaction\"/>"
                + "<entry><resource><Basic/></resource></entry></Bundle>").getBytes(StandardCharsets.UTF_8))).isNull();
    }

    /** Woodstox stops at 512 K characters per attribute by default; the check must read past a long Binary or photo. */
    @Test
    void aLongAttributeDoesNotHideALoss() {
        assertThat(lossIn("<photo><data value=\"" + "A".repeat(800_000) + "\"/></photo><gender/>"))
                .contains("<gender>");
    }

    /** HAPI read XML as UTF-8 whatever it declared, storing U+FFFD for a Latin-1 byte. */
    @Test
    void aBodyThatIsNoUtf8IsALoss() {
        byte[] latin1 = ("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><Patient xmlns=\"http://hl7.org/fhir\">"
                + "<name><family value=\"L\u00fcbeck\"/></name></Patient>").getBytes(StandardCharsets.ISO_8859_1);
        assertThat(LossyXmlBodyFilter.firstLoss(latin1)).contains("not valid UTF-8", "Nothing was stored");
        byte[] utf16 = ("<Patient xmlns=\"http://hl7.org/fhir\"><name><family value=\"L\u00fcbeck\"/></name>"
                + "</Patient>").getBytes(StandardCharsets.UTF_16);
        assertThat(LossyXmlBodyFilter.firstLoss(utf16)).as("UTF-16, which HAPI failed on with a parse error")
                .contains("UTF-16", "UTF-8 only");
    }

    /** XML allows a UTF-8 byte-order mark; HAPI's validator refused it (422). */
    @Test
    void aUtf8ByteOrderMarkIsDropped() {
        byte[] xml = "<Patient xmlns=\"http://hl7.org/fhir\"/>".getBytes(StandardCharsets.UTF_8);
        byte[] marked = new byte[xml.length + 3];
        marked[0] = (byte) 0xEF;
        marked[1] = (byte) 0xBB;
        marked[2] = (byte) 0xBF;
        System.arraycopy(xml, 0, marked, 3, xml.length);

        assertThat(LossyXmlBodyFilter.withoutUtf8ByteOrderMark(marked)).isEqualTo(xml);
        assertThat(LossyXmlBodyFilter.withoutUtf8ByteOrderMark(xml)).isSameAs(xml);
    }

    /** HAPI dropped these without a word inside a transaction's entries (an XML audit). */
    @Test
    void whatFhirXmlCannotCarryIsALoss() {
        assertThat(LossyXmlBodyFilter.firstLoss(bytes("<Patient xmlns=\"http://hl7.org/fhir\"><gender value=\"male\" "
                + "bogus=\"x\"/></Patient>"))).contains("attribute 'bogus' on <gender>", "Nothing was stored");
        assertThat(LossyXmlBodyFilter.firstLoss(bytes("<Patient xmlns=\"http://hl7.org/fhir\"><gender value=\"male\">"
                + "female</gender></Patient>"))).contains("text inside <gender>");
        assertThat(LossyXmlBodyFilter.firstLoss(bytes("<Patient xmlns=\"http://hl7.org/fhir\"><name><family value=\"  \"/>"
                + "</name></Patient>"))).contains("<family>", "nothing but whitespace");
        assertThat(LossyXmlBodyFilter.firstLoss(bytes("<Patient xmlns=\"urn:not-fhir\"><gender value=\"male\"/>"
                + "</Patient>"))).contains("<Patient>", "outside the FHIR namespace");
        assertThat(LossyXmlBodyFilter.firstLoss(bytes("<Bundle xmlns=\"http://hl7.org/fhir\"><type value=\"batch\"/>"
                + "<entry><resource><Patient xmlns=\"\"><active value=\"true\"/></Patient></resource></entry></Bundle>")))
                .contains("<Patient>", "outside the FHIR namespace");
    }

    @Test
    void schemaAttributesTheNarrativeAndWhitespaceAreNoLoss() {
        assertThat(LossyXmlBodyFilter.firstLoss(bytes("<Patient xmlns=\"http://hl7.org/fhir\" "
                + "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"http://hl7.org/fhir "
                + "patient.xsd\">\n  <id value=\"p1\"/>\n  <text><status value=\"generated\"/><div "
                + "xmlns=\"http://www.w3.org/1999/xhtml\" class=\"x\"><p style=\"y\">Some <b>text</b></p></div></text>\n"
                + "  <extension url=\"urn:e\"><valueString value=\"v\"/></extension>\n  <name id=\"n1\"><family "
                + "value=\"Doe\"/></name>\n</Patient>"))).isNull();
    }

    @Test
    void nestingPastTheLimitIsALoss() {
        int levels = LossyXmlBodyFilter.MAX_DEPTH;
        String deep = "<Patient xmlns=\"http://hl7.org/fhir\">" + "<extension url=\"urn:x\">".repeat(levels)
                + "<valueString value=\"v\"/>" + "</extension>".repeat(levels) + "</Patient>";
        String allowed = "<Patient xmlns=\"http://hl7.org/fhir\">" + "<extension url=\"urn:x\">".repeat(levels - 3)
                + "<valueString value=\"v\"/>" + "</extension>".repeat(levels - 3) + "</Patient>";

        assertThat(LossyXmlBodyFilter.firstLoss(bytes(deep))).contains("more than " + levels + " levels");
        assertThat(LossyXmlBodyFilter.firstLoss(bytes(allowed))).isNull();
    }

    private static byte[] bytes(String xml) {
        return xml.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void malformedXmlIsLeftToHapi() {
        assertThat(LossyXmlBodyFilter.firstLoss("<Patient xmlns=\"http://hl7.org/fhir\"><gender/>"
                .getBytes(StandardCharsets.UTF_8))).as("fault before the break is still found").contains("<gender>");
        assertThat(LossyXmlBodyFilter.firstLoss("<Patient xmlns=\"http://hl7.org/fhir\"><name>"
                .getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(LossyXmlBodyFilter.firstLoss(("<?xml version=\"1.0\"?><!DOCTYPE p [<!ENTITY x SYSTEM "
                + "\"file:///etc/passwd\">]><Patient xmlns=\"http://hl7.org/fhir\"><name><family value=\"&x;\"/>"
                + "</name></Patient>").getBytes(StandardCharsets.UTF_8))).isNull();
    }
}
