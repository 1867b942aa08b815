package org.resistancecds.cds.feedback;

import static org.resistancecds.cds.CdsHooksException.badRequest;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.resistancecds.cds.cards.CardCodes;

/** Checks a feedback body ({@code {"feedback": [...]}}, CDS Hooks 2.0) entry by entry; any fault is a 400. */
public final class FeedbackParser {

    /**
     * How far after this server's clock an outcome may be dated: clocks disagree, but nobody acts on a card a day
     * ahead. A timestamp past year 9999 in UTC had been stored as an instant FHIR cannot write, failing every later
     * search of the feedback with a 500.
     */
    static final Duration CLOCK_TOLERANCE = Duration.ofDays(1);

    /** The earliest outcome taken: before it, no card of this service existed, and the calendars differ (Julian). */
    static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");

    /** Entries accepted in one call; an EHR reports what one user did, not a backlog. */
    static final int MAX_ENTRIES = 100;

    private static final Pattern UUID_FORM =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final Clock clock;

    public FeedbackParser(Clock clock) {
        this.clock = clock;
    }

    public List<FeedbackEntry> parse(JsonNode body) {
        if (!body.isObject()) {
            throw badRequest("The feedback body must be a JSON object with a 'feedback' array.");
        }
        JsonNode feedback = body.get("feedback");
        if (feedback == null || feedback.isNull()) {
            throw badRequest("feedback is required: {\"feedback\": [{\"card\": ..., \"outcome\": ..., "
                    + "\"outcomeTimestamp\": ...}]}.");
        }
        if (!feedback.isArray() || feedback.isEmpty()) {
            throw badRequest("feedback must be a non-empty array.");
        }
        if (feedback.size() > MAX_ENTRIES) {
            throw badRequest("feedback has " + feedback.size() + " entries; at most " + MAX_ENTRIES + " per call.");
        }
        List<FeedbackEntry> entries = new ArrayList<>();
        for (int i = 0; i < feedback.size(); i++) {
            entries.add(entry(feedback.get(i), "feedback[" + i + "]"));
        }
        return entries;
    }

    private FeedbackEntry entry(JsonNode node, String path) {
        if (!node.isObject()) {
            throw badRequest(path + " must be a JSON object.");
        }
        String card = text(node, "card", path, true);
        String outcome = text(node, "outcome", path, true);
        if (!outcome.equals("accepted") && !outcome.equals("overridden")) {
            throw badRequest(path + ".outcome must be 'accepted' or 'overridden', but was '" + shorten(outcome) + "'.");
        }
        List<String> accepted = acceptedSuggestions(node.get("acceptedSuggestions"), path);
        // A UUID is the same in either case (RFC 9562); stored in lower case, it is found by one search.
        card = card.toLowerCase(Locale.ROOT);
        accepted = accepted.stream().map(id -> id.toLowerCase(Locale.ROOT)).toList();
        if (outcome.equals("accepted") && accepted.isEmpty()) {
            throw badRequest(path + ".acceptedSuggestions is required when outcome is 'accepted' "
                    + "(the ids of the suggestions taken).");
        }
        if (outcome.equals("overridden") && !accepted.isEmpty()) {
            throw badRequest(path + ": an overridden card has no accepted suggestions.");
        }
        FeedbackEntry.OverrideReason reason = null;
        String comment = null;
        JsonNode override = node.get("overrideReason");
        if (override != null && !override.isNull()) {
            if (!outcome.equals("overridden")) {
                throw badRequest(path + ".overrideReason is only meaningful when outcome is 'overridden'.");
            }
            if (!override.isObject()) {
                throw badRequest(path + ".overrideReason must be a JSON object {reason, userComment}.");
            }
            JsonNode coding = override.get("reason");
            if (coding != null && !coding.isNull()) {
                if (!coding.isObject()) {
                    throw badRequest(path + ".overrideReason.reason must be a Coding {system, code, display}.");
                }
                String where = path + ".overrideReason.reason";
                reason = new FeedbackEntry.OverrideReason(
                        text(coding, "system", where, true),
                        text(coding, "code", where, true),
                        text(coding, "display", where, false));
            }
            comment = text(override, "userComment", path + ".overrideReason", false);
        }
        Instant timestamp = timestamp(node, path);
        // Last, so that a body with several faults is told about its structure first.
        requireUuid(card, path + ".card", "the uuid of a card this service returned");
        for (int i = 0; i < accepted.size(); i++) {
            requireUuid(accepted.get(i), path + ".acceptedSuggestions[" + i + "].id",
                    "the uuid of a suggestion on the card");
        }
        if (reason != null && CardCodes.OVERRIDE_REASON_SYSTEM.equals(reason.system())
                && !CardCodes.OVERRIDE_REASONS.containsKey(reason.code())) {
            throw badRequest(path + ".overrideReason.reason.code '" + shorten(reason.code()) + "' is not one of the "
                    + "override reasons the cards offer: " + String.join(", ", CardCodes.OVERRIDE_REASONS.keySet())
                    + ".");
        }
        return new FeedbackEntry(card, outcome, accepted, reason, comment, timestamp);
    }

    private static void requireUuid(String value, String path, String what) {
        if (!UUID_FORM.matcher(value).matches()) {
            throw badRequest(path + " must be " + what + " (a UUID), but was '" + shorten(value) + "'.");
        }
    }

    private static List<String> acceptedSuggestions(JsonNode node, String path) {
        List<String> ids = new ArrayList<>();
        if (node == null || node.isNull()) {
            return ids;
        }
        if (!node.isArray()) {
            throw badRequest(path + ".acceptedSuggestions must be an array of {\"id\": ...}.");
        }
        for (int i = 0; i < node.size(); i++) {
            JsonNode item = node.get(i);
            if (!item.isObject()) {
                throw badRequest(path + ".acceptedSuggestions[" + i + "] must be an object {\"id\": ...}.");
            }
            ids.add(text(item, "id", path + ".acceptedSuggestions[" + i + "]", true));
        }
        return ids;
    }

    private Instant timestamp(JsonNode node, String path) {
        String text = text(node, "outcomeTimestamp", path, true);
        Instant instant;
        try {
            // RFC 3339: a date, a time and an offset; the specification asks for UTC, any offset is understood.
            instant = OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw badRequest(path + ".outcomeTimestamp must be an RFC 3339 date-time such as "
                    + "'2021-12-11T10:05:31Z', but was '" + shorten(text) + "'.");
        }
        Instant latest = clock.instant().plus(CLOCK_TOLERANCE);
        if (instant.isBefore(EARLIEST) || instant.isAfter(latest)) {
            throw badRequest(path + ".outcomeTimestamp '" + shorten(text) + "' is not when a clinician could have "
                    + "acted on a card: it must lie between " + EARLIEST + " and a day after this server's clock ("
                    + clock.instant() + ").");
        }
        return instant;
    }

    private static String text(JsonNode parent, String field, String path, boolean required) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                throw badRequest(path + "." + field + " is required.");
            }
            return null;
        }
        if (!node.isTextual() || node.asText().isBlank()) {
            throw badRequest(path + "." + field + " must be a non-empty string.");
        }
        if (node.asText().length() > 4000) {
            throw badRequest(path + "." + field + " is longer than 4000 characters.");
        }
        return node.asText();
    }

    private static String shorten(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
