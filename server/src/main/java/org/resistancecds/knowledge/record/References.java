package org.resistancecds.knowledge.record;

import org.hl7.fhir.r4.model.Resource;

/** How the engine names a resource in evidence lists and {@code derivedFrom}. */
public final class References {

    private References() {}

    /**
     * {@code Type/id} for a resource with a logical id, the {@code urn:uuid:} it carries inside a Bundle, or the
     * bare type when it has no id at all.
     */
    public static String of(Resource resource) {
        String value = resource.getIdElement().getValue();
        if (value != null && value.startsWith("urn:")) {
            return value;
        }
        String id = resource.getIdElement().getIdPart();
        return id == null ? resource.fhirType() : resource.fhirType() + "/" + id;
    }

    /**
     * The reference to the evaluated patient: {@code Patient/id}, or the {@code urn:uuid:} itself for a patient a
     * given Bundle knows only by its fullUrl ("Patient/urn:uuid:..." is no reference).
     */
    public static String toPatient(String patientId) {
        return patientId.startsWith("urn:") ? patientId : "Patient/" + patientId;
    }
}
