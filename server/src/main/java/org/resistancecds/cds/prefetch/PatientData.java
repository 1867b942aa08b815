package org.resistancecds.cds.prefetch;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;

/**
 * The data gathered for one call: every prefetch key resolved, from the request or fetched.
 *
 * @param byKey the resource (a read) or Bundle (a search) for each prefetch key
 * @param fetched the keys that were not usable in the request and were fetched here
 * @param source where the fetched keys came from ({@code request}, {@code repository} or the fhirServer URL)
 */
public record PatientData(Map<String, IBaseResource> byKey, Set<String> fetched, String source) {

    public PatientData {
        byKey = Collections.unmodifiableMap(new LinkedHashMap<>(byKey));
        fetched = Set.copyOf(fetched);
    }

    /** The patient's record: all resources of all keys, Bundles unpacked, each resource once. */
    public List<Resource> resources() {
        List<Resource> resources = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (IBaseResource value : byKey.values()) {
            if (value instanceof Bundle bundle) {
                for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
                    add(entry.getResource(), resources, seen);
                }
            } else {
                add(value, resources, seen);
            }
        }
        return resources;
    }

    private static void add(IBaseResource value, List<Resource> resources, Set<String> seen) {
        // Search Bundles may carry an OperationOutcome with warnings: it is not patient data.
        if (!(value instanceof Resource resource) || value instanceof OperationOutcome) {
            return;
        }
        String key = resource.getIdElement().hasIdPart()
                ? resource.fhirType() + "/" + resource.getIdElement().getIdPart()
                : null;
        if (key == null || seen.add(key)) {
            resources.add(resource);
        }
    }
}
