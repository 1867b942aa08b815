package org.resistancecds.knowledge.timeline;

import java.time.LocalDate;
import java.util.List;
import org.resistancecds.knowledge.record.IciExposure;
import org.resistancecds.knowledge.record.ResponseAssessment;
import org.resistancecds.knowledge.serial.VariantSeries;

/**
 * One patient's course in date order: checkpoint-inhibitor therapy, response assessments, variant allele-frequency
 * series with their dynamics, and the days the resistance assessment changed.
 *
 * @param anchor the first anti-PD-(L)1 dose, or null
 */
public record Timeline(
        String patientId,
        LocalDate asOf,
        LocalDate anchor,
        List<IciExposure> therapies,
        List<ResponseAssessment> responses,
        List<VariantSeries> variants,
        List<StatusChange> statusChanges) {

    public Timeline {
        therapies = List.copyOf(therapies);
        responses = List.copyOf(responses);
        variants = List.copyOf(variants);
        statusChanges = List.copyOf(statusChanges);
    }
}
