package org.resistancecds.knowledge.serial;

import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Library;
import org.hl7.fhir.r4.model.ParameterDefinition;
import org.resistancecds.knowledge.KnowledgeException;
import org.resistancecds.knowledge.terminology.TerminologySystems;

/**
 * Thresholds of the serial variant analysis, read from Library serial-variant-criteria.
 *
 * @param riseFactor latest / first allele frequency at or above which a variant is rising
 * @param fallFactor latest / first allele frequency at or below which a variant is falling
 */
public record SerialCriteria(double riseFactor, double fallFactor) {

    public SerialCriteria {
        if (riseFactor <= 1 || fallFactor <= 0 || fallFactor >= 1) {
            throw new KnowledgeException("serial-variant-criteria: rise factor must be above 1 and fall factor between 0 and 1");
        }
    }

    public static SerialCriteria from(Library library) {
        return new SerialCriteria(decimal(library, "vaf-rise-factor"), decimal(library, "vaf-fall-factor"));
    }

    private static double decimal(Library library, String name) {
        ParameterDefinition parameter = library.getParameter().stream()
                .filter(p -> name.equals(p.getName()))
                .findFirst()
                .orElseThrow(() -> new KnowledgeException(library.getUrl() + ": missing parameter " + name));
        Extension extension = parameter.getExtensionByUrl(TerminologySystems.CQF_DEFAULT_VALUE);
        if (extension == null || !(extension.getValue() instanceof DecimalType value) || !value.hasValue()) {
            throw new KnowledgeException(library.getUrl() + ": parameter " + name + " needs a decimal value");
        }
        return value.getValue().doubleValue();
    }
}
