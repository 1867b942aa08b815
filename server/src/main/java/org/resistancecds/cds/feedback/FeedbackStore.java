package org.resistancecds.cds.feedback;

import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import java.time.Clock;
import java.util.Date;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.hl7.fhir.r4.model.Basic;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.StringType;
import org.resistancecds.cds.cards.CardIds;

/**
 * Stores feedback durably as FHIR {@code Basic} resources in this server's repository, one per entry, so
 * overrides can be studied with plain FHIR searches ({@code GET /fhir/Basic?code=...}). An entry sent twice is
 * stored once (conditional create on a name-based id), and all entries of one call are stored together.
 */
public final class FeedbackStore {

    /** The kind of record, in {@code Basic.code}. */
    public static final String RECORD_SYSTEM = "https://resistance-cds.org/fhir/CodeSystem/cds-record-type";

    public static final String RECORD_CODE = "cds-hooks-feedback";
    /** Identifier system of the card the feedback is about (value: the card's uuid). */
    public static final String CARD_SYSTEM = "https://resistance-cds.org/fhir/sid/cds-card";
    /** Identifier system of the feedback entry itself (value: a name-based uuid of its content). */
    public static final String FEEDBACK_SYSTEM = "https://resistance-cds.org/fhir/sid/cds-feedback";
    /** Complex extension holding the feedback's fields. */
    public static final String EXTENSION = "https://resistance-cds.org/fhir/StructureDefinition/cds-hooks-feedback";

    private final IFhirSystemDao<Bundle, Meta> systemDao;
    private final Clock clock;

    public FeedbackStore(IFhirSystemDao<Bundle, Meta> systemDao, Clock clock) {
        this.systemDao = systemDao;
        this.clock = clock;
    }

    /**
     * Stores the entries of one call in one transaction. An entry repeated in the call is stored once (HAPI refused
     * two entries with the same conditional create, a 500); a resend racing its first sending finds the first stored
     * when tried again (the loser of the race had failed on HAPI's unique match URL, also a 500).
     *
     * @param client the authenticated client's issuer, or null when authentication is off
     * @return the stored resources' ids ({@code Basic/123}), in entry order
     */
    public List<String> store(String serviceId, List<FeedbackEntry> entries, String client) {
        List<String> keys = entries.stream().map(entry -> resendKey(serviceId, entry, client)).toList();
        Map<String, FeedbackEntry> byKey = new LinkedHashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            byKey.putIfAbsent(keys.get(i), entries.get(i));
        }
        Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        byKey.forEach((entryId, entry) -> transaction.addEntry()
                .setResource(toBasic(serviceId, entry, entryId, client))
                .getRequest()
                .setMethod(Bundle.HTTPVerb.POST)
                .setUrl("Basic")
                .setIfNoneExist("identifier=" + FEEDBACK_SYSTEM + "|" + entryId));
        // The response's entries follow the transaction's, one per distinct key.
        Iterator<Bundle.BundleEntryComponent> stored = storeOnce(transaction).getEntry().iterator();
        Map<String, String> idByKey = new HashMap<>();
        byKey.keySet().forEach(key -> idByKey.put(key,
                new IdType(stored.next().getResponse().getLocation()).toUnqualifiedVersionless().getValue()));
        return keys.stream().map(idByKey::get).toList();
    }

    private Bundle storeOnce(Bundle transaction) {
        try {
            return systemDao.transaction(new SystemRequestDetails(), transaction);
        } catch (ResourceVersionConflictException raced) {
            // Another call stored the same entry between this one's look-up and its insert: now the look-up finds it.
            return systemDao.transaction(new SystemRequestDetails(), transaction);
        }
    }

    /**
     * Equal only for a resend of the same feedback, which is then stored once; any difference in what the clinician
     * did or said (another override reason or comment at the same second) makes a new record.
     */
    private static String resendKey(String serviceId, FeedbackEntry entry, String client) {
        FeedbackEntry.OverrideReason reason = entry.overrideReason();
        return CardIds.of("feedback", serviceId, entry.card(), entry.outcome(), entry.outcomeTimestamp().toString(),
                String.join(",", entry.acceptedSuggestions()),
                reason == null ? "" : reason.system() + "|" + reason.code(),
                Objects.toString(entry.userComment(), ""), Objects.toString(client, ""));
    }

    private Basic toBasic(String serviceId, FeedbackEntry entry, String entryId, String client) {
        Basic basic = new Basic();
        basic.addIdentifier().setSystem(FEEDBACK_SYSTEM).setValue(entryId);
        basic.addIdentifier().setSystem(CARD_SYSTEM).setValue(entry.card());
        basic.setCode(new CodeableConcept(new Coding(RECORD_SYSTEM, RECORD_CODE, "CDS Hooks card feedback"))
                .setText("CDS Hooks card feedback"));
        basic.setCreatedElement(new DateType(Date.from(entry.outcomeTimestamp())));
        Extension feedback = basic.addExtension().setUrl(EXTENSION);
        feedback.addExtension("service", new StringType(serviceId));
        feedback.addExtension("outcome", new CodeType(entry.outcome()));
        feedback.addExtension("outcomeTimestamp", new InstantType(Date.from(entry.outcomeTimestamp())));
        for (String suggestion : entry.acceptedSuggestions()) {
            feedback.addExtension("acceptedSuggestion", new StringType(suggestion));
        }
        if (entry.overrideReason() != null) {
            FeedbackEntry.OverrideReason reason = entry.overrideReason();
            feedback.addExtension("overrideReason", new Coding(reason.system(), reason.code(), reason.display()));
        }
        if (entry.userComment() != null) {
            feedback.addExtension("userComment", new StringType(entry.userComment()));
        }
        if (client != null) {
            feedback.addExtension("client", new StringType(client));
        }
        feedback.addExtension("received", new InstantType(Date.from(clock.instant())));
        return basic;
    }
}
