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
        assertThat(LossyXmlBodyFilter.firstLoss(utf16)).as("UTF-16 with its byte-order mark").isNull();
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
