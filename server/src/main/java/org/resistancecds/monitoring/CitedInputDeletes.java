package org.resistancecds.monitoring;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.model.DeleteConflictList;
import org.resistancecds.knowledge.KnowledgeCodes;

/**
 * Lets a clinician delete a result that one of our derived assessments cites in {@code derivedFrom} (a result filed
 * to the wrong chart, say): HAPI refused it with 409 because of that reference. The delete queues the patient for
 * re-evaluation like any write, and the assessment is rewritten without the result. References from other
 * resources still block a delete, as HAPI's referential integrity wants.
 */
public class CitedInputDeletes {

    private static final String CITING_PATH = "Observation.derivedFrom";

    @Hook(Pointcut.STORAGE_PRESTORAGE_DELETE_CONFLICTS)
    public void allowDeletingCitedInputs(DeleteConflictList conflicts) {
        conflicts.removeIf(conflict -> CITING_PATH.equals(conflict.getSourcePath())
                && KnowledgeCodes.isDerivedAssessmentId(conflict.getSourceId().getIdPart()));
    }
}
