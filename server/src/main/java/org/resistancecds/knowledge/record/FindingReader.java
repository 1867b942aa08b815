package org.resistancecds.knowledge.record;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.resistancecds.knowledge.KnowledgeCodes;
import org.resistancecds.knowledge.terminology.TerminologySystems;

/**
 * Reads expression-biomarker, TME-finding and radiomics Observations coded in the resistance-biomarker
 * CodeSystem. The result is normalised to HL7 v3 interpretation codes, whichever way it was sent: as
 * {@code interpretation}, as a coded value, as a boolean, or as a quantity outside its reference range.
 */
final class FindingReader {

    Optional<BiomarkerFinding> read(Observation observation, boolean preliminary) {
        Coding code = observation.getCode().getCoding().stream()
                .filter(c -> KnowledgeCodes.BIOMARKER_SYSTEM.equals(c.getSystem()) && c.hasCode())
                .findFirst()
                .orElse(null);
        if (code == null) {
            return Optional.empty();
        }
        Set<String> interpretations = new HashSet<>();
        observation.getInterpretation().forEach(concept -> addInterpretations(concept, interpretations));
        String valueCode = null;
        if (observation.getValue() instanceof CodeableConcept value) {
            addInterpretations(value, interpretations);
            valueCode = value.getCoding().stream()
                    .filter(c -> KnowledgeCodes.BIOMARKER_SYSTEM.equals(c.getSystem()))
                    .map(Coding::getCode)
                    .findFirst()
                    .orElse(null);
        } else if (observation.getValue() instanceof BooleanType bool && bool.hasValue()) {
            interpretations.add(bool.booleanValue() ? "POS" : "NEG");
        } else if (observation.getValue() instanceof Quantity quantity && quantity.hasValue()) {
            rangeInterpretation(observation, quantity).ifPresent(interpretations::add);
        }
        String display = code.hasDisplay() ? code.getDisplay() : code.getCode();
        return Optional.of(new BiomarkerFinding(code.getCode(), display, interpretations, valueCode, preliminary,
                References.of(observation)));
    }

    private static void addInterpretations(CodeableConcept concept, Set<String> into) {
        concept.getCoding().stream()
                .filter(c -> TerminologySystems.V3_INTERPRETATION.equals(c.getSystem()) && c.hasCode())
                .forEach(c -> into.add(c.getCode()));
    }

    /** H above the range's high, L below its low, when the units agree. */
    private static Optional<String> rangeInterpretation(Observation observation, Quantity quantity) {
        for (Observation.ObservationReferenceRangeComponent range : observation.getReferenceRange()) {
            if (range.hasHigh() && sameUnit(range.getHigh(), quantity)
                    && quantity.getValue().compareTo(range.getHigh().getValue()) > 0) {
                return Optional.of("H");
            }
            if (range.hasLow() && sameUnit(range.getLow(), quantity)
                    && quantity.getValue().compareTo(range.getLow().getValue()) < 0) {
                return Optional.of("L");
            }
        }
        return Optional.empty();
    }

    private static boolean sameUnit(Quantity bound, Quantity value) {
        return bound.hasValue() && java.util.Objects.equals(bound.getCode(), value.getCode());
    }
}
