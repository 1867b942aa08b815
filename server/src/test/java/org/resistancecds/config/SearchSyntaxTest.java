package org.resistancecds.config;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SearchSyntaxTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    /** The specification's own parameters, as the server's registry has them. */
    private final SearchSyntax syntax = new SearchSyntax(FHIR,
            (type, name) -> FHIR.getResourceDefinition(type).getSearchParam(name));

    @Test
    void aModifierForAnotherTypeOfParameterIsAFault() {
        assertThat(fault("Patient", "family:not")).contains("':not'", "'family' of Patient, a string parameter",
                ":missing, :contains, :exact");
        assertThat(fault("Observation", "date:not")).contains("a date parameter", "only :missing");
        assertThat(fault("RiskAssessment", "probability:not")).contains("a number parameter");
        assertThat(fault("Observation", "value-quantity:not")).contains("a quantity parameter");
        assertThat(fault("Patient", "gender:exact")).contains("a token parameter");
        assertThat(fault("Patient", "family:below")).contains("a string parameter");
        assertThat(fault("Patient", "family:Patient")).contains("a string parameter");
        assertThat(fault("Patient", "_id:not")).contains("'_id'", "only :missing");
    }

    @Test
    void modifiersFhirAllowsForTheParameterPass() {
        assertThat(fault("Patient", "family:exact")).isNull();
        assertThat(fault("Patient", "family:contains")).isNull();
        assertThat(fault("Patient", "gender:not")).isNull();
        assertThat(fault("Observation", "code:in")).isNull();
        assertThat(fault("Observation", "code:text")).isNull();
        assertThat(fault("Observation", "subject:Patient")).isNull();
        assertThat(fault("Observation", "subject:identifier")).isNull();
        assertThat(fault("Observation", "date:missing")).isNull();
        assertThat(fault("Observation", "date")).isNull();
    }

    @Test
    void theLastLinkOfAChainIsCheckedOnItsOwnType() {
        assertThat(fault("Observation", "subject:Patient.family:not")).contains("'family' of Patient");
        assertThat(fault("Observation", "patient.family:not")).contains("'family' of Patient");
        assertThat(fault("Observation", "subject:Patient.family:exact")).isNull();
        // subject may be a Patient, a Group, a Device or a Location: the chain's type is not known here.
        assertThat(fault("Observation", "subject.name:not")).isNull();
    }

    @Test
    void withoutAResourceTypeOnlyTheModifierItselfIsChecked() {
        assertThat(new SearchSyntax(FHIR, (type, name) -> null).fault(null, Map.of("family:not", new String[] {"x"})))
                .isNull();
        assertThat(syntax.fault(null, Map.of("family:foo", new String[] {"x"}))).contains("Unknown search modifier");
        assertThat(syntax.fault("Unknown", Map.of("family:not", new String[] {"x"}))).isNull();
    }

    private String fault(String type, String name) {
        return syntax.fault(type, Map.of(name, new String[] {name.endsWith(":missing") ? "true" : "x"}));
    }
}
