package org.resistancecds.cds.cards;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Canonical URLs, codes and fixed references the cards use. */
public final class CardCodes {

    private CardCodes() {}

    /** Namespace of the name-based card and suggestion UUIDs (a random UUID, fixed for this project). */
    static final UUID UUID_NAMESPACE = UUID.fromString("6f0b3c4e-2a57-4f4e-9a43-1c8d2f7e5b10");

    public static final String MECHANISM_SYSTEM = "https://resistance-cds.org/fhir/CodeSystem/resistance-mechanism";
    public static final String OVERRIDE_REASON_SYSTEM = "https://resistance-cds.org/fhir/CodeSystem/cds-override-reason";

    /** Reasons a clinician may give for dismissing a card; the EHR offers them and reports the choice as feedback. */
    public static final Map<String, String> OVERRIDE_REASONS = orderedMap(
            "already-addressed", "Already addressed, or work-up already under way",
            "patient-declined", "Patient declined",
            "clinical-judgement", "Not appropriate for this patient (clinical judgement)",
            "data-incorrect", "Patient data shown are incomplete or incorrect",
            "not-relevant", "Not relevant to the current decision");

    /** Statuses that say nothing a clinician must act on; patient-view shows no card at all for them. */
    static final Set<String> QUIET_STATUSES = Set.of("not-exposed");

    /** Statuses shown with a warning indicator. */
    static final Set<String> WARNING_STATUSES = Set.of("acquired-resistance", "acquired-resistance-suspected", "primary-resistance");

    /** The published definitions the resistance status follows (domain facts, section 3; DOIs verified). */
    static final List<Reference> STATUS_CRITERIA = List.of(
            new Reference(
                    "SITC Immunotherapy Resistance Taskforce",
                    "Kluger HM et al. Defining tumor resistance to PD-1 pathway blockade: recommendations from "
                            + "the first meeting of the SITC Immunotherapy Resistance Taskforce. J Immunother "
                            + "Cancer 2020;8:e000398",
                    "10.1136/jitc-2019-000398"),
            new Reference(
                    "NSCLC acquired-resistance definition",
                    "Schoenfeld AJ et al. Clinical definition of acquired resistance to immunotherapy in patients "
                            + "with metastatic non-small-cell lung cancer. Ann Oncol 2021;32(12):1597-1607",
                    "10.1016/j.annonc.2021.08.2151"));

    /** The review whose Table 1 defines the mechanism categories; its DOI is not verified, so none is given. */
    static final Reference MECHANISM_TAXONOMY = new Reference(
            "Mechanism categories",
            "Xiao et al. Heterogeneity of Acquired Resistance Mechanisms to PD-1/PD-L1 Inhibitors in Non-Small Cell "
                    + "Lung Cancer and Clinical Strategies, Table 1",
            null);

    /** A citation held here rather than in the knowledge base. */
    record Reference(String label, String citation, String doi) {}

    private static Map<String, String> orderedMap(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return Collections.unmodifiableMap(map);
    }
}
