package org.resistancecds.knowledge.status;

import java.util.List;
import org.resistancecds.knowledge.record.ResponseAssessment;

/**
 * The course of response on therapy up to the first progression that was not contradicted by a later response.
 *
 * @param best the best response before that progression (first time reached), or null
 * @param progression the initial progression, or null if there was none
 * @param confirmation the assessment that confirms it (may be the progression itself for iCPD), or null
 * @param notes what the scan of the course saw on the way (pseudo-progression, preliminary confirmations)
 */
record ProgressionEpisode(
        ResponseAssessment best,
        ResponseAssessment progression,
        ResponseAssessment confirmation,
        List<String> notes) {}
