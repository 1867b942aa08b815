package org.resistancecds.config;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class XmlPatchDoctypeTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "<!DOCTYPE diff [<!ENTITY x SYSTEM \"file:///etc/hostname\">]><diff><add sel=\"/a\">&x;</add></diff>",
        "<?xml version=\"1.0\"?><!DOCTYPE diff [<!ENTITY % p SYSTEM \"http://127.0.0.1:9/p\"> %p;]><diff/>",
        "<!doctype diff SYSTEM \"http://127.0.0.1:9/d.dtd\"><diff/>",
        "<!DOCTYPE diff [<!ENTITY broken"})
    void aPatchWithADoctypeIsRefused(String patch) {
        assertThatThrownBy(() -> XmlPatchDoctype.refuseIn(patch)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("document type declaration");
    }

    @ParameterizedTest
    @ValueSource(strings = {"<diff><remove sel=\"/Patient/active\"/></diff>",
        "<!-- a comment --><diff xmlns:f=\"http://hl7.org/fhir\"><add sel=\"/f:Patient\"><!-- x --></add></diff>",
        "not xml"})
    void aPatchWithoutOneIsLeftToItsApplication(String patch) {
        assertThatCode(() -> XmlPatchDoctype.refuseIn(patch)).doesNotThrowAnyException();
    }

    @Test
    void noPatchIsNoFault() {
        assertThatCode(() -> XmlPatchDoctype.refuseIn(null)).doesNotThrowAnyException();
    }
}
