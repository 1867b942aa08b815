package org.resistancecds.cds.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.resistancecds.cds.CdsHooksException;
import org.resistancecds.cds.CdsJson;

/** Feedback bodies: the specification's examples parse; each kind of fault is a 400 naming the field. */
class FeedbackParserTest {

    private static final CdsJson JSON = new CdsJson(FhirContext.forR4Cached());
    private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");
    private final FeedbackParser parser = new FeedbackParser(Clock.fixed(NOW, ZoneOffset.UTC));

    @ParameterizedTest
    @ValueSource(strings = {"018-feedback-accepted.json", "019-feedback-overridden-no-reason.json",
        "020-feedback-overridden-with-reason.json"})
    void specExamplesParse(String file) throws IOException {
        List<FeedbackEntry> entries = parse(read("/cds-hooks/spec-examples/" + file));

        assertThat(entries).isNotEmpty();
        assertThat(entries.get(0).card()).isNotBlank();
        assertThat(entries.get(0).outcomeTimestamp()).isAfter(Instant.parse("2020-01-01T00:00:00Z"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            not an object      | []                                                                                | must be a JSON object
            no feedback        | {}                                                                                | feedback is required
            empty feedback     | {"feedback": []}                                                                  | non-empty array
            no card            | {"feedback": [{"outcome": "overridden", "outcomeTimestamp": "2021-12-11T10:05:31Z"}]} | feedback[0].card is required
            bad outcome        | {"feedback": [{"card": "c", "outcome": "ignored", "outcomeTimestamp": "2021-12-11T10:05:31Z"}]} | outcome must be 'accepted' or 'overridden'
            accepted, no ids   | {"feedback": [{"card": "c", "outcome": "accepted", "outcomeTimestamp": "2021-12-11T10:05:31Z"}]} | acceptedSuggestions is required
            no timestamp       | {"feedback": [{"card": "c", "outcome": "overridden"}]}                            | outcomeTimestamp is required
            bad timestamp      | {"feedback": [{"card": "c", "outcome": "overridden", "outcomeTimestamp": "yesterday"}]} | must be an RFC 3339 date-time
            timestamp no zone  | {"feedback": [{"card": "c", "outcome": "overridden", "outcomeTimestamp": "2021-12-11T10:05:31"}]} | must be an RFC 3339 date-time
            past year 9999 in UTC | {"feedback": [{"card": "c", "outcome": "overridden", "outcomeTimestamp": "9999-12-31T23:00:00-14:00"}]} | is not when a clinician could have acted on a card
            more than a day ahead | {"feedback": [{"card": "c", "outcome": "overridden", "outcomeTimestamp": "2026-12-08T10:00:01Z"}]} | is not when a clinician could have acted on a card
            before 1970        | {"feedback": [{"card": "c", "outcome": "overridden", "outcomeTimestamp": "1500-06-15T12:00:00Z"}]} | is not when a clinician could have acted on a card
            reason wrong type  | {"feedback": [{"card": "c", "outcome": "overridden", "outcomeTimestamp": "2021-12-11T10:05:31Z", "overrideReason": {"reason": "no"}}]} | overrideReason.reason must be a Coding
            reason no code     | {"feedback": [{"card": "c", "outcome": "overridden", "outcomeTimestamp": "2021-12-11T10:05:31Z", "overrideReason": {"reason": {"system": "s"}}}]} | overrideReason.reason.code is required
            reason on accept   | {"feedback": [{"card": "c", "outcome": "accepted", "acceptedSuggestions": [{"id": "s"}], "outcomeTimestamp": "2021-12-11T10:05:31Z", "overrideReason": {"userComment": "x"}}]} | only meaningful when outcome is 'overridden'
            second entry bad   | {"feedback": [{"card": "9368d37b-283f-44a0-93ea-547cebab93ed", "outcome": "overridden", "outcomeTimestamp": "2021-12-11T10:05:31Z"}, {"card": 7}]} | feedback[1].card must be a non-empty string
            card not a uuid    | {"feedback": [{"card": "not-a-card-at-all", "outcome": "overridden", "outcomeTimestamp": "2021-12-11T10:05:31Z"}]} | feedback[0].card must be the uuid of a card this service returned (a UUID), but was 'not-a-card-at-all'
            suggestion not uuid | {"feedback": [{"card": "9368d37b-283f-44a0-93ea-547cebab93ed", "outcome": "accepted", "acceptedSuggestions": [{"id": "s1"}], "outcomeTimestamp": "2021-12-11T10:05:31Z"}]} | feedback[0].acceptedSuggestions[0].id must be the uuid of a suggestion
            reason not offered | {"feedback": [{"card": "9368d37b-283f-44a0-93ea-547cebab93ed", "outcome": "overridden", "outcomeTimestamp": "2021-12-11T10:05:31Z", "overrideReason": {"reason": {"system": "https://resistance-cds.org/fhir/CodeSystem/cds-override-reason", "code": "bogus-reason"}}}]} | 'bogus-reason' is not one of the override reasons the cards offer: already-addressed,
            """)
    void faultsAreRefusedWithTheFieldNamed(String name, String body, String message) {
        assertThatThrownBy(() -> parse(body))
                .isInstanceOf(CdsHooksException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(((CdsHooksException) e).status()).isEqualTo(400));
    }

    /** Within the EHR's clock running a day ahead of this server's; the uuids in lower case, as they are searched. */
    @Test
    void aTimestampUpToADayAheadIsTakenAndUuidsAreKeptInLowerCase() {
        List<FeedbackEntry> entries = parse("""
                {"feedback": [{"card": "9368D37B-283F-44A0-93EA-547CEBAB93ED", "outcome": "accepted",
                 "acceptedSuggestions": [{"id": "0C6A1E5F-5C55-4F31-9C0B-A8C0C1E6D3B2"}],
                 "outcomeTimestamp": "2026-12-08T10:00:00Z"}]}""");

        assertThat(entries.get(0).card()).isEqualTo("9368d37b-283f-44a0-93ea-547cebab93ed");
        assertThat(entries.get(0).acceptedSuggestions()).containsExactly("0c6a1e5f-5c55-4f31-9c0b-a8c0c1e6d3b2");
        assertThat(entries.get(0).outcomeTimestamp()).isEqualTo(Instant.parse("2026-12-08T10:00:00Z"));
    }

    /** A reason from another system is kept as sent: the EHR may offer its own list beside the card's. */
    @Test
    void overrideReasonOfAnotherSystemIsKept() {
        List<FeedbackEntry> entries = parse("""
                {"feedback": [{"card": "9368d37b-283f-44a0-93ea-547cebab93ed", "outcome": "overridden",
                 "outcomeTimestamp": "2021-12-11T10:05:31Z",
                 "overrideReason": {"reason": {"system": "https://ehr.example.org/reasons", "code": "other"}}}]}""");

        assertThat(entries.get(0).overrideReason().code()).isEqualTo("other");
    }

    private List<FeedbackEntry> parse(String body) {
        return parser.parse(JSON.readTree(body.getBytes(StandardCharsets.UTF_8)));
    }

    private static String read(String path) throws IOException {
        try (InputStream in = FeedbackParserTest.class.getResourceAsStream(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
