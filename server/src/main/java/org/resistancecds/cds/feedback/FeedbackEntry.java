package org.resistancecds.cds.feedback;

import java.time.Instant;
import java.util.List;

/**
 * One checked feedback entry: what a clinician did with a card.
 *
 * @param card the card's uuid
 * @param outcome {@code accepted} or {@code overridden}
 * @param acceptedSuggestions uuids of the suggestions taken (accepted only)
 * @param overrideReason the reason chosen from the card's overrideReasons, or null
 * @param userComment the clinician's free text, or null
 * @param outcomeTimestamp when the clinician acted
 */
public record FeedbackEntry(
        String card,
        String outcome,
        List<String> acceptedSuggestions,
        OverrideReason overrideReason,
        String userComment,
        Instant outcomeTimestamp) {

    public FeedbackEntry {
        acceptedSuggestions = List.copyOf(acceptedSuggestions);
    }

    /** A coded override reason. */
    public record OverrideReason(String system, String code, String display) {}
}
