package org.resistancecds.validation;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.api.EncodingEnum;
import org.junit.jupiter.api.Test;

class ElementCountTest {

    @Test
    void jsonAndXmlOfOneResourceCountAlike() {
        String json = """
                {"resourceType": "Patient", "active": true,
                 "name": [{"family": "Smith", "given": ["Ann", "B"]}, {"text": "A. Smith"}]}""";
        String xml = """
                <Patient xmlns="http://hl7.org/fhir"><active value="true"/>
                  <name><family value="Smith"/><given value="Ann"/><given value="B"/></name>
                  <name><text value="A. Smith"/></name></Patient>""";
        // Patient, active, two names, family, two given, text; JSON also counts its resourceType.
        assertThat(ElementCount.of(json, EncodingEnum.JSON)).isEqualTo(9);
        assertThat(ElementCount.of(xml, EncodingEnum.XML)).isEqualTo(8);
    }

    @Test
    void growsWithTheElementsNotTheirLength() {
        String few = "{\"resourceType\": \"Binary\", \"data\": \"" + "A".repeat(100_000) + "\"}";
        StringBuilder many = new StringBuilder("{\"resourceType\": \"Patient\", \"name\": [");
        for (int i = 0; i < 1000; i++) {
            many.append(i == 0 ? "" : ",").append("{\"family\": \"F").append(i).append("\"}");
        }
        many.append("]}");

        assertThat(ElementCount.of(few, EncodingEnum.JSON)).isEqualTo(3);
        assertThat(ElementCount.of(many.toString(), EncodingEnum.JSON)).isEqualTo(2 + 2 * 1000);
    }

    @Test
    void aTextThatDoesNotParseCountsWhatWasRead() {
        assertThat(ElementCount.of("{\"resourceType\": \"Patient\", \"name\": [{\"family\": ", EncodingEnum.JSON))
                .isEqualTo(3);
        assertThat(ElementCount.of("<Patient xmlns=\"http://hl7.org/fhir\"><active value=\"true\"/><name>",
                EncodingEnum.XML)).isEqualTo(3);
        assertThat(ElementCount.of(null, EncodingEnum.JSON)).isZero();
    }

    @Test
    void anXmlEntityIsNeverResolved() {
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE p [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<Patient xmlns=\"http://hl7.org/fhir\"><name><family value=\"&x;\"/></name></Patient>";
        // Without DTD support the reader stops at the unresolvable entity; nothing is read from the file.
        assertThat(ElementCount.of(xxe, EncodingEnum.XML)).isLessThanOrEqualTo(3);
    }
}
