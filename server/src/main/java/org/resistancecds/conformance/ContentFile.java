package org.resistancecds.conformance;

import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * One parsed content file.
 *
 * @param location where it came from, for messages
 * @param resource the parsed resource, its id taken from the file name
 */
public record ContentFile(String location, IBaseResource resource) {

    public String resourceType() {
        return resource.fhirType();
    }
}
