package org.resistancecds.knowledge;

/**
 * A recommendation the engine left out because its knowledge failed for this patient (a condition that could not be
 * evaluated on the patient's data): the answer is incomplete, and says so.
 *
 * @param planDefinition the PlanDefinition's canonical URL
 * @param actionId the action's id (a group leaves out all it holds)
 * @param title the action's title
 * @param incident the id under which the server log holds the failure
 */
public record OmittedRecommendation(String planDefinition, String actionId, String title, String incident) {

    /** The note the FHIR operation's answer carries. */
    public String note() {
        return "The knowledge's recommendation " + planDefinition + "#" + actionId + " (\"" + title + "\") could not be "
                + "evaluated for this patient and is left out, with any it groups: incident " + incident
                + " in the server log.";
    }
}
