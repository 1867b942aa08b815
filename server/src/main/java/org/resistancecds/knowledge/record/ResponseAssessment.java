package org.resistancecds.knowledge.record;

import java.time.LocalDate;
import org.resistancecds.knowledge.terminology.ResponseCategory;

/**
 * One tumour response assessment.
 *
 * @param basis how the category was read, e.g. {@code RECIST PR} or a mapped disease-status trend
 * @param preliminary the Observation was preliminary: it may be used, but not to confirm progression
 */
public record ResponseAssessment(
        LocalDate date, ResponseCategory category, String basis, boolean preliminary, String source) {}
