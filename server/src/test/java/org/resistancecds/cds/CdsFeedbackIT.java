package org.resistancecds.cds;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.hl7.fhir.r4.model.Basic;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.Test;
import org.resistancecds.cds.feedback.FeedbackStore;
import org.resistancecds.cds.security.TestJwts;

/** Feedback over HTTP: stored as Basic resources, readable through the FHIR API, idempotent, checked. */
class CdsFeedbackIT extends AbstractCdsIT {

    private static final String FEEDBACK = "/cds-services/ici-resistance-patient-view/feedback";

    @Test
    void feedbackOnAShownCardIsStoredAndReadableAsFhir() throws Exception {
        HttpResponse<String> call = callService("ici-resistance-patient-view", request("patient-view", "p",
                "\"prefetch\":" + new SyntheticRecord("p", 5).prefetchJson(fhirContext), null));
        JsonNode mechanismCard = json(call).at("/cards/1");
        String card = mechanismCard.get("uuid").asText();
        String suggestion = mechanismCard.at("/suggestions/0/uuid").asText();
        JsonNode statusCard = json(call).at("/cards/0");
        String body = "{\"feedback\":["
                + "{\"card\":\"" + card + "\",\"outcome\":\"accepted\",\"acceptedSuggestions\":[{\"id\":\"" + suggestion
                + "\"}],\"outcomeTimestamp\":\"2026-03-01T10:05:31Z\"},"
                + "{\"card\":\"" + statusCard.get("uuid").asText() + "\",\"outcome\":\"overridden\",\"overrideReason\":"
                + "{\"reason\":" + statusCard.at("/overrideReasons/0").toString()
                + ",\"userComment\":\"Re-biopsy booked\"},\"outcomeTimestamp\":\"2026-03-01T10:06:00Z\"}]}";

        HttpResponse<String> response = cdsPost(FEEDBACK, body);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(json(response).at("/feedback/0/stored").asText()).startsWith("Basic/");
        Basic accepted = byCard(card);
        Extension fields = accepted.getExtensionByUrl(FeedbackStore.EXTENSION);
        assertThat(fields.getExtensionString("service")).isEqualTo("ici-resistance-patient-view");
        assertThat(fields.getExtensionString("outcome")).isEqualTo("accepted");
        assertThat(fields.getExtensionString("acceptedSuggestion")).isEqualTo(suggestion);
        assertThat(fields.getExtensionString("client")).isEqualTo(TestJwts.ISSUER);
        assertThat(fields.getExtensionByUrl("outcomeTimestamp").getValue().primitiveValue()).startsWith("2026-03-01T10:05:31");

        Basic overridden = byCard(statusCard.get("uuid").asText());
        Extension overrideFields = overridden.getExtensionByUrl(FeedbackStore.EXTENSION);
        assertThat(overrideFields.getExtensionString("outcome")).isEqualTo("overridden");
        assertThat(((Coding) overrideFields.getExtensionByUrl("overrideReason").getValue()).getCode())
                .isEqualTo(statusCard.at("/overrideReasons/0/code").asText());
        assertThat(overrideFields.getExtensionString("userComment")).isEqualTo("Re-biopsy booked");
        // The record's extension, code and override reason are defined in the server's own content.
        for (Basic stored : List.of(accepted, overridden)) {
            OperationOutcome checked = (OperationOutcome) fhirClient().validate().resource(stored).execute()
                    .getOperationOutcome();
            assertThat(checked.getIssue()).as(checked.getIssue().toString())
                    .noneMatch(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR
                            || i.getDiagnostics().contains("resistance-cds.org"));
        }

        // An EHR that resends the same feedback does not double-count it.
        HttpResponse<String> again = cdsPost(FEEDBACK, body);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(json(again).at("/feedback/0/stored").asText()).isEqualTo(json(response).at("/feedback/0/stored").asText());
        assertThat(search(card).getEntry()).hasSize(1);

        // The same card overridden again at the same second, with another comment, is a second record, not a resend.
        HttpResponse<String> revised = cdsPost(FEEDBACK, body.replace("Re-biopsy booked", "Trial referral instead"));
        assertThat(revised.statusCode()).as(revised.body()).isEqualTo(200);
        assertThat(json(revised).at("/feedback/1/stored").asText())
                .isNotEqualTo(json(response).at("/feedback/1/stored").asText());
        assertThat(search(statusCard.get("uuid").asText()).getEntry()).hasSize(2);
        assertThat(search(card).getEntry()).hasSize(1);
    }

    /**
     * The specification lets an EHR send feedback on a card more than once. The same entry twice in one call, and
     * resends racing each other (an EHR retrying after a timeout), were 500s; each is now stored once.
     */
    @Test
    void repeatedFeedbackInOneCallOrInRacingCallsIsStoredOnce() throws Exception {
        String card = UUID.randomUUID().toString();
        String entry = "{\"card\":\"" + card + "\",\"outcome\":\"overridden\","
                + "\"outcomeTimestamp\":\"2026-03-01T10:05:31Z\"}";

        HttpResponse<String> twice = cdsPost(FEEDBACK, "{\"feedback\":[" + entry + "," + entry + "]}");

        assertThat(twice.statusCode()).as(twice.body()).isEqualTo(200);
        assertThat(json(twice).at("/feedback/1/stored").asText())
                .isEqualTo(json(twice).at("/feedback/0/stored").asText());
        assertThat(search(card).getEntry()).hasSize(1);

        String racing = UUID.randomUUID().toString();
        String body = "{\"feedback\":[" + entry.replace(card, racing) + "]}";
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<HttpResponse<String>>> sent = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                sent.add(pool.submit(() -> cdsPost(FEEDBACK, body)));
            }
            for (Future<HttpResponse<String>> answer : sent) {
                assertThat(answer.get().statusCode()).as(answer.get().body()).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(search(racing).getEntry()).hasSize(1);
    }

    /** A timestamp past year 9999 in UTC was stored, and every later search of the feedback failed with a 500. */
    @Test
    void anOutcomeDatedWhereNoClinicianCouldHaveActedIsRefused() throws Exception {
        String card = UUID.randomUUID().toString();
        HttpResponse<String> refused = cdsPost(FEEDBACK, "{\"feedback\":[{\"card\":\"" + card + "\",\"outcome\":"
                + "\"overridden\",\"outcomeTimestamp\":\"9999-12-31T23:00:00-14:00\"}]}");

        assertThat(assertErrorBody(refused, 400)).contains("feedback[0].outcomeTimestamp");
        assertThat(search(card).getEntry()).isEmpty();
    }

    @Test
    void specificationFeedbackExamplesAreAccepted() throws Exception {
        for (String file : new String[] {"018-feedback-accepted.json", "019-feedback-overridden-no-reason.json",
            "020-feedback-overridden-with-reason.json"}) {
            String body = CdsHooksModelValidatorTest.read("/cds-hooks/spec-examples/" + file);
            assertThat(cdsPost(FEEDBACK, body).statusCode()).as(file).isEqualTo(200);
        }
    }

    @Test
    void invalidFeedbackIs400AndStoresNothing() throws Exception {
        String card = UUID.randomUUID().toString();
        String body = "{\"feedback\":[{\"card\":\"" + card + "\",\"outcome\":\"overridden\","
                + "\"outcomeTimestamp\":\"2026-03-01T10:05:31Z\"},{\"card\":\"" + UUID.randomUUID() + "\",\"outcome\":\"maybe\","
                + "\"outcomeTimestamp\":\"2026-03-01T10:05:31Z\"}]}";

        assertThat(assertErrorBody(cdsPost(FEEDBACK, body), 400)).contains("feedback[1].outcome");
        assertThat(search(card).getEntry()).isEmpty();
        assertThat(assertErrorBody(cdsPost(FEEDBACK, "{\"card\":\"x\",\"outcome\":\"accepted\"}"), 400))
                .contains("feedback is required");
    }

    private Basic byCard(String card) {
        Bundle found = search(card);
        assertThat(found.getEntry()).hasSize(1);
        return (Basic) found.getEntryFirstRep().getResource();
    }

    private Bundle search(String card) {
        return fhirClient().search().byUrl("Basic?identifier=" + FeedbackStore.CARD_SYSTEM + "|" + card)
                .returnBundle(Bundle.class).execute();
    }
}
