package org.resistancecds.storage;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.util.FhirTerser;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.instance.model.api.IBaseReference;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;

/** Which patients' compartments a resource is in, by the references the specification's compartment names. */
public final class PatientCompartment {

    private PatientCompartment() {}

    /** Whether resources of the type can be in a patient's compartment at all (a Medication cannot). */
    public static boolean applies(FhirContext fhirContext, IBaseResource resource) {
        return !fhirContext.getResourceDefinition(resource).getSearchParamsForCompartmentName("Patient").isEmpty();
    }

    /**
     * The ids of the patients on this server the resource refers to as its compartment's owners; none for a type
     * outside it. HAPI's terser gives an owner without the base URL its reference had, and a reference with a base URL
     * names a patient on another server, whose id may equal one of ours: an owner counts only when the resource also
     * refers to it without one.
     */
    public static Set<String> owners(FhirContext fhirContext, IBaseResource resource) {
        if (!applies(fhirContext, resource)) {
            return Set.of();
        }
        FhirTerser terser = fhirContext.newTerser();
        Set<String> local = terser.getAllPopulatedChildElementsOfType(resource, IBaseReference.class).stream()
                .map(IBaseReference::getReferenceElement)
                .filter(id -> "Patient".equals(id.getResourceType()) && id.hasIdPart() && !id.hasBaseUrl())
                .map(IIdType::getIdPart)
                .collect(Collectors.toSet());
        return terser.getCompartmentOwnersForResource("Patient", resource, Set.<String>of()).stream()
                .map(IIdType::getIdPart)
                .filter(local::contains)
                .collect(Collectors.toSet());
    }
}
