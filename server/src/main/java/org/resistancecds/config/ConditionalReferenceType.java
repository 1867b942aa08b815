package org.resistancecds.config;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.util.ResourceReferenceInfo;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * A conditional reference must name the type it searches ({@code Patient?identifier=...}). One that starts at the
 * {@code ?} is refused with 400 naming it; HAPI failed on it with a 500 in every write, alone or in a Bundle.
 */
public class ConditionalReferenceType {

    private final FhirContext fhirContext;

    public ConditionalReferenceType(FhirContext fhirContext) {
        this.fhirContext = fhirContext;
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
    public void created(IBaseResource resource) {
        check(resource);
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
    public void updated(IBaseResource previous, IBaseResource resource) {
        check(resource);
    }

    private void check(IBaseResource resource) {
        for (ResourceReferenceInfo reference : fhirContext.newTerser().getAllResourceReferences(resource)) {
            String value = reference.getResourceReference().getReferenceElement().getValue();
            if (value != null && value.startsWith("?")) {
                throw new InvalidRequestException("The reference '" + value + "' at " + reference.getName()
                        + " is conditional but names no resource type: write it as [type]" + value
                        + ", e.g. Patient" + value + ".");
            }
        }
    }
}
