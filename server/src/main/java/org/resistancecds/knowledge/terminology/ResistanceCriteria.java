package org.resistancecds.knowledge.terminology;

import java.util.List;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Library;
import org.hl7.fhir.r4.model.ParameterDefinition;
import org.hl7.fhir.r4.model.Quantity;
import org.resistancecds.knowledge.KnowledgeException;

/**
 * The time thresholds of the resistance definitions, read from Library acquired-resistance-criteria.
 *
 * @param acquiredMinimumExposureDays anti-PD-(L)1 exposure needed for acquired resistance
 * @param durableStableDiseaseDays how long stable disease must last to count as benefit
 * @param stableDiseaseCountsAsBenefit whether durable stable disease counts at all (SITC yes, NSCLC consensus no)
 * @param confirmationMinimumIntervalDays gap between the initial and the confirming progression
 * @param postDiscontinuationWindowDays progression later than this after the last dose is after discontinuation
 * @param primaryMinimumExposureDays exposure needed before primary resistance can be called
 * @param citations labels of the definitions' sources, for reasons
 */
public record ResistanceCriteria(
        double acquiredMinimumExposureDays,
        double durableStableDiseaseDays,
        boolean stableDiseaseCountsAsBenefit,
        double confirmationMinimumIntervalDays,
        double postDiscontinuationWindowDays,
        double primaryMinimumExposureDays,
        List<String> citations) {

    public static ResistanceCriteria from(Library library) {
        return new ResistanceCriteria(
                days(library, "acquired-minimum-exposure"),
                days(library, "durable-stable-disease"),
                flag(library, "stable-disease-counts-as-benefit"),
                days(library, "confirmation-minimum-interval"),
                days(library, "post-discontinuation-window"),
                days(library, "primary-minimum-exposure"),
                library.getRelatedArtifact().stream().map(r -> r.getLabel()).toList());
    }

    private static double days(Library library, String name) {
        if (!(value(library, name) instanceof Quantity quantity) || !quantity.hasValue()) {
            throw new KnowledgeException(library.getUrl() + ": parameter " + name + " needs a Quantity value");
        }
        if (!TerminologySystems.UCUM.equals(quantity.getSystem())) {
            throw new KnowledgeException(library.getUrl() + ": parameter " + name + " must use UCUM units");
        }
        if (!quantity.hasCode()) {
            throw new KnowledgeException(library.getUrl() + ": parameter " + name + " needs a UCUM unit code "
                    + "(d, wk, mo or a)");
        }
        double amount = quantity.getValue().doubleValue();
        // A negative duration would turn every verdict that waits on it (a negative exposure made a patient of a few
        // weeks' treatment one with acquired resistance); 0 is a choice (no confirmation interval, say).
        if (amount < 0) {
            throw new KnowledgeException(library.getUrl() + ": parameter " + name + " must not be negative, not "
                    + quantity.getValue().toPlainString() + " " + quantity.getCode());
        }
        // UCUM: mo is the mean Julian month and a the mean Julian year.
        return switch (quantity.getCode()) {
            case "d" -> amount;
            case "wk" -> amount * 7;
            case "mo" -> amount * 30.4375;
            case "a" -> amount * 365.25;
            default -> throw new KnowledgeException(
                    library.getUrl() + ": parameter " + name + " has unsupported unit " + quantity.getCode());
        };
    }

    private static boolean flag(Library library, String name) {
        if (!(value(library, name) instanceof BooleanType bool) || !bool.hasValue()) {
            throw new KnowledgeException(library.getUrl() + ": parameter " + name + " needs a boolean value");
        }
        return bool.booleanValue();
    }

    private static Object value(Library library, String name) {
        ParameterDefinition parameter = library.getParameter().stream()
                .filter(p -> name.equals(p.getName()))
                .findFirst()
                .orElseThrow(() -> new KnowledgeException(library.getUrl() + ": missing parameter " + name));
        Extension extension = parameter.getExtensionByUrl(TerminologySystems.CQF_DEFAULT_VALUE);
        return extension == null ? null : extension.getValue();
    }
}
