package org.resistancecds.knowledge;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TimeZone;
import java.util.function.Function;
import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.resistancecds.knowledge.mechanism.Contribution;
import org.resistancecds.knowledge.mechanism.MechanismInference;
import org.resistancecds.knowledge.record.References;

/**
 * Writes the engine's conclusions as FHIR Observations of our profiles: one acquired-resistance status and one
 * resistance-mechanism assessment per mechanism, each with {@code derivedFrom} links to the data it rests on
 * (medication exposure, which R4 does not allow there, as {@code workflow-supportingInfo}).
 * Ids are stable per patient and mechanism, so storing a new evaluation updates the previous one.
 */
final class DerivedObservations {

    private static final int MAX_ID = 64;

    private DerivedObservations() {}

    /** What R4 allows in Observation.derivedFrom; other evidence (medication exposure) goes to supportingInfo. */
    private static final Set<String> DERIVED_FROM_TYPES = Set.of(
            "Observation", "DocumentReference", "ImagingStudy", "Media", "QuestionnaireResponse", "MolecularSequence");

    /**
     * @param typeOf the resource type behind an evidence reference (needed for {@code urn:uuid:} references)
     */
    static Observation status(String patientId, StatusVerdict verdict, DateTimeType effective, Function<String, String> typeOf,
            String latestAssessment) {
        Observation observation = base(stableId(KnowledgeCodes.STATUS_ID_PREFIX + patientId), KnowledgeCodes.STATUS_PROFILE,
                KnowledgeCodes.STATUS_ASSESSMENT_CODE, "Acquired-resistance status assessment", patientId, effective);
        observation.setValue(concept(KnowledgeCodes.STATUS_SYSTEM, verdict.code(), verdict.display()));
        observation.getMethod().setText("SITC Immunotherapy Resistance Taskforce (Kluger 2020) and NSCLC consensus "
                + "(Schoenfeld 2021) criteria, thresholds from " + KnowledgeCodes.CRITERIA_LIBRARY);
        verdict.evidence().forEach(ref -> link(observation, ref, typeOf));
        observation.addNote(new Annotation().setText(bullets(verdict.reasons())));
        if (!observation.hasDerivedFrom()) {
            // The profile needs derivedFrom 1..*: a verdict without assessments (not exposed) points to the latest
            // one; with no assessment at all the Observation cannot meet the profile and does not claim it.
            if (latestAssessment != null) {
                observation.addDerivedFrom(new Reference(latestAssessment));
            } else {
                observation.getMeta().getProfile().clear();
            }
        }
        return observation;
    }

    static List<Observation> mechanisms(String patientId, MechanismInference inference, DateTimeType effective,
            Function<String, String> typeOf) {
        return inference.mechanisms().stream()
                .map(finding -> mechanism(patientId, finding, inference.contributionsTo(finding.code()), effective, typeOf))
                .toList();
    }

    private static Observation mechanism(String patientId, MechanismFinding finding, List<Contribution> support,
            DateTimeType effective, Function<String, String> typeOf) {
        Observation observation = base(stableId(KnowledgeCodes.MECHANISM_ID_PREFIX + patientId + "-" + finding.code()),
                KnowledgeCodes.MECHANISM_PROFILE, KnowledgeCodes.MECHANISM_ASSESSMENT_CODE,
                "Resistance mechanism assessment", patientId, effective);
        observation.setValue(concept(KnowledgeCodes.MECHANISM_SYSTEM, finding.code(), finding.display()));
        observation.addComponent()
                .setCode(concept(KnowledgeCodes.BIOMARKER_SYSTEM, KnowledgeCodes.CONFIDENCE_COMPONENT_CODE, "Mechanism confidence"))
                .setValue(confidence(finding.confidence()));
        // One component per supporting finding: what it is about, and how far it supports the mechanism.
        for (Contribution contribution : support) {
            observation.addComponent()
                    .setCode(contribution.findingCode().copy())
                    .setValue(contribution.findingValue().copy())
                    .addInterpretation(confidence(contribution.confidence().code()));
        }
        finding.evidence().forEach(ref -> link(observation, ref, typeOf));
        observation.addNote(new Annotation().setText(bullets(finding.reasons())));
        return observation;
    }

    private static Observation base(String id, String profile, String code, String display, String patientId,
            DateTimeType effective) {
        Observation observation = new Observation();
        observation.setId(id);
        observation.getMeta().addProfile(profile);
        observation.setStatus(Observation.ObservationStatus.FINAL);
        observation.setCode(concept(KnowledgeCodes.BIOMARKER_SYSTEM, code, display));
        observation.setSubject(new Reference(References.toPatient(patientId)));
        observation.setEffective(effective.copy());
        return observation;
    }

    static DateTimeType dateTime(java.time.Instant instant) {
        return new DateTimeType(Date.from(instant), TemporalPrecisionEnum.SECOND, TimeZone.getTimeZone("UTC"));
    }

    private static CodeableConcept confidence(String code) {
        String display = Character.toUpperCase(code.charAt(0)) + code.substring(1);
        return concept(KnowledgeCodes.CONFIDENCE_SYSTEM, code, display);
    }

    private static CodeableConcept concept(String system, String code, String display) {
        return new CodeableConcept(new Coding(system, code, display));
    }

    /** Links the evidence, where R4 allows it; a resource without id cannot be linked at all. */
    private static void link(Observation observation, String ref, Function<String, String> typeOf) {
        if (!ref.contains("/") && !ref.startsWith("urn:")) {
            return;
        }
        String type = typeOf.apply(ref);
        if (type != null && DERIVED_FROM_TYPES.contains(type)) {
            observation.addDerivedFrom(new Reference(ref));
        } else {
            observation.addExtension(KnowledgeCodes.SUPPORTING_INFO, new Reference(ref));
        }
    }

    private static String bullets(List<String> lines) {
        return String.join("\n", lines.stream().map(line -> "- " + line).toList());
    }

    /** A valid FHIR id (64 characters at most), the same for the same input. */
    static String stableId(String wanted) {
        String cleaned = wanted.replaceAll("[^A-Za-z0-9\\-.]", "-");
        if (cleaned.length() <= MAX_ID) {
            return cleaned;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(wanted.getBytes(StandardCharsets.UTF_8));
            String hash = HexFormat.of().formatHex(digest, 0, 8);
            return cleaned.substring(0, MAX_ID - hash.length() - 1) + "-" + hash;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
