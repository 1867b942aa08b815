package org.resistancecds.knowledge.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.InputStream;
import java.time.LocalDate;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.resistancecds.knowledge.Fixtures;
import org.resistancecds.knowledge.KnowledgeEvaluator;
import org.resistancecds.knowledge.serial.VariantDynamics;
import org.resistancecds.knowledge.serial.VariantSeries;

/** The timeline of the emergent-JAK1 scenario: what happened, and the days the assessment changed. */
class TimelineBuilderTest {

    private static final TimelineBuilder BUILDER =
            new TimelineBuilder(Fixtures.knowledge(), new KnowledgeEvaluator(Fixtures.knowledge()));

    private static List<Resource> scenario(String name) throws IOException {
        try (InputStream in = TimelineBuilderTest.class.getResourceAsStream("/content/examples/scenarios/" + name + ".bundle.json")) {
            Bundle bundle = FhirContext.forR4Cached().newJsonParser().parseResource(Bundle.class, in);
            return bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).toList();
        }
    }

    @Test
    void theCourseOfAnEmergentJak1() throws IOException {
        Timeline timeline = BUILDER.build("sc-ser-jak1", scenario("serial-ctdna-emergent-jak1"), LocalDate.parse("2024-10-01"));

        assertThat(timeline.anchor()).isEqualTo(LocalDate.parse("2023-01-10"));
        assertThat(timeline.therapies()).singleElement().satisfies(t -> assertThat(t.agent().name()).isEqualTo("pembrolizumab"));
        assertThat(timeline.responses()).extracting(r -> r.category().code()).containsExactly("PR", "PR", "PD", "PD");
        VariantSeries jak1 = timeline.variants().get(0);
        assertThat(jak1.label()).isEqualTo("JAK1 p.Gln503Ter");
        assertThat(jak1.dynamics()).containsExactlyInAnyOrder(VariantDynamics.EMERGENT, VariantDynamics.RISING);
        assertThat(jak1.points()).extracting(p -> p.alleleFrequency()).containsExactly(null, null, 3.1, 7.4);

        assertThat(timeline.statusChanges()).extracting(c -> c.date().toString() + " " + c.status() + " " + c.mechanisms())
                .containsExactly(
                        "2023-01-05 not-exposed {}",
                        "2023-01-10 indeterminate {}",
                        "2023-04-01 responding {}",
                        "2024-03-01 acquired-resistance-suspected {}",
                        "2024-04-05 acquired-resistance {}",
                        "2024-04-20 acquired-resistance {ifn-gamma-signaling-alteration=confirmed}");
        StatusChange last = timeline.statusChanges().get(timeline.statusChanges().size() - 1);
        assertThat(last.reasons()).anySatisfy(r -> assertThat(r).contains("emergent under therapy"));
    }

    @Test
    void aWithdrawnMechanismIsSaidSo() throws IOException {
        Timeline timeline = BUILDER.build("sc-ser-kras", scenario("serial-ctdna-cleared-kras"), LocalDate.parse("2024-10-01"));
        assertThat(timeline.statusChanges()).extracting(c -> c.date().toString() + " " + c.mechanisms())
                .contains("2024-04-20 {oncogenic-pathway-activation=possible}");
        assertThat(timeline.variants().get(0).dynamics())
                .containsExactlyInAnyOrder(VariantDynamics.PRE_EXISTING, VariantDynamics.CLEARED);
    }

    @Test
    void dataAfterAsOfAreLeftOut() throws IOException {
        Timeline timeline = BUILDER.build("sc-ser-jak1", scenario("serial-ctdna-emergent-jak1"), LocalDate.parse("2024-03-15"));
        assertThat(timeline.responses()).hasSize(3);
        assertThat(timeline.variants()).isEmpty();
        assertThat(timeline.statusChanges().get(timeline.statusChanges().size() - 1).status())
                .isEqualTo("acquired-resistance-suspected");
    }
}
