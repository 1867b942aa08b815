package org.resistancecds.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.validation.JpaValidationSupportChain;
import jakarta.annotation.Nonnull;
import java.util.List;
import java.util.Objects;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain.CacheConfiguration;
import org.hl7.fhir.common.hapi.validation.validator.WorkerContextValidationSupportAdapter;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * HAPI's JPA validation chain, with its list of all StructureDefinitions kept whole while caches are cleared.
 *
 * <p>HAPI 8.8 fills that list under a lock but marks it filled, and copies it for the caller, outside the lock, and
 * clearing the caches empties it. A clear landing in between left the chain answering, until the next clear, with only
 * the definitions fetched one by one since; a copy taken while another thread added one could hold nulls. The
 * validator's worker context reads that list once and keeps it, and its parser looks a resource's type up there: a
 * context that read it short refuses every Patient as "unknown or unrecognized resource name 'Patient'" (a CI run
 * failed so, while another node's content install had this node clearing its caches every few seconds). Filling and
 * copying the list, and clearing it, now take one lock of our own.
 */
public class ConsistentValidationSupportChain extends JpaValidationSupportChain {

    private final Object structureDefinitions = new Object();

    public ConsistentValidationSupportChain(FhirContext fhirContext, CacheConfiguration cacheConfiguration,
            WorkerContextValidationSupportAdapter workerContext) {
        super(fhirContext, cacheConfiguration, workerContext);
    }

    /**
     * A single fetch, which HAPI's lock covers, may still add to the list while HAPI copies it: a copy can then end in
     * a null, which is left out. Single fetches, many per validation, are not taken under this lock.
     */
    @Nonnull
    @Override
    public List<IBaseResource> fetchAllStructureDefinitions() {
        synchronized (structureDefinitions) {
            return super.fetchAllStructureDefinitions().stream().filter(Objects::nonNull).toList();
        }
    }

    @Override
    public void invalidateCaches() {
        synchronized (structureDefinitions) {
            super.invalidateCaches();
        }
    }
}
