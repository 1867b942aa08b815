package org.resistancecds.storage;

import ca.uhn.fhir.context.FhirContext;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;

/** Which patients' compartments a resource is in, by the references the specification's compartment names. */
public final class PatientCompartment {

    private PatientCompartment() {}

    /** Whether resources of the type can be in a patient's compartment at all (a Medication cannot). */
    public static boolean applies(FhirContext fhirContext, IBaseResource resource) {
        return !fhirContext.getResourceDefinition(resource).getSearchParamsForCompartmentName("Patient").isEmpty();
    }

    /** The ids of the patients the resource refers to as its compartment's owners; none for a type outside it. */
    public static Set<String> owners(FhirContext fhirContext, IBaseResource resource) {
        if (!applies(fhirContext, resource)) {
            return Set.of();
        }
        return fhirContext.newTerser().getCompartmentOwnersForResource("Patient", resource, Set.<String>of()).stream()
                .filter(IIdType::hasIdPart)
                .map(IIdType::getIdPart)
                .collect(Collectors.toSet());
    }
}
