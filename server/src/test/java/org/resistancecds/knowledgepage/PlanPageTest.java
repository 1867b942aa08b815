package org.resistancecds.knowledgepage;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Library;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.junit.jupiter.api.Test;
import org.resistancecds.knowledgepage.PlanPage.ActionSection;

/** What a knowledge page shows of the packaged strategies PlanDefinition and the citations Library. */
class PlanPageTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();

    @Test
    void actionsComeInThePlansOrderWithEvidenceLevelAndCitations() throws Exception {
        PlanPage page = PlanPage.of("acquired-resistance-strategies",
                read(PlanDefinition.class, "PlanDefinition-acquired-resistance-strategies.json"),
                read(Library.class, "Library-resistance-citations.json"));

        assertThat(page.title()).startsWith("Strategies to overcome acquired resistance");
        ActionSection group = page.actions().get(0);
        assertThat(group.group()).isTrue();
        assertThat(page.actions().subList(1, page.actions().size())).noneMatch(ActionSection::group);

        ActionSection tigit = section(page, "pd1-tigit-coinhibition");
        // In the card's words, from the code: the page and the card cannot disagree.
        assertThat(tigit.evidenceLevel()).isEqualTo("early-phase clinical trial");
        assertThat(tigit.descriptionHtml()).startsWith("<p><strong>Investigational:</strong>");
        assertThat(tigit.citations()).extracting(PlanPage.CitationLine::label)
                .containsExactly("Chu 2023", "Wang 2025 (AACR abstract)");
        assertThat(tigit.citations().get(0).doiUrl()).isEqualTo("https://doi.org/10.1186/s12943-023-01800-3");
        assertThat(tigit.citations().get(0).catalogueEntry()).startsWith("Review reference [");
        assertThat(tigit.citations().get(1).doiUrl()).isNull();
    }

    /** A retired plan is shown for the record, said not to be applied (the page did not tell). */
    @Test
    void aRetiredPlanSaysSo() throws Exception {
        PlanDefinition plan = read(PlanDefinition.class, "PlanDefinition-resistance-monitoring.json");
        assertThat(PlanPage.of("resistance-monitoring", plan, null).retired()).isFalse();

        plan.setStatus(Enumerations.PublicationStatus.RETIRED);

        assertThat(PlanPage.of("resistance-monitoring", plan, null).retired()).isTrue();
    }

    @Test
    void markdownBecomesHtmlWithoutTheTextsOwnHtmlOrScriptLinks() {
        String html = MarkdownHtml.render("**A:** b <script>alert(1)</script> [doi](https://doi.org/10.1/x) "
                + "[bad](javascript:alert(2))");
        assertThat(html).contains("<strong>A:</strong>", "&lt;script&gt;", "href=\"https://doi.org/10.1/x\">doi</a>")
                .doesNotContain("<script", "javascript:");
        assertThat(MarkdownHtml.render(null)).isEmpty();
    }

    private static ActionSection section(PlanPage page, String id) {
        return page.actions().stream().filter(a -> id.equals(a.id())).findFirst().orElseThrow();
    }

    private static <T extends org.hl7.fhir.instance.model.api.IBaseResource> T read(Class<T> type, String file)
            throws Exception {
        return FHIR.newJsonParser().parseResource(type, Files.readString(Path.of("../knowledge", file)));
    }
}
