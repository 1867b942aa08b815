package org.resistancecds.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.validation.JpaValidationSupportChain;
import jakarta.annotation.Nonnull;
import java.util.List;
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
 * context that read it short refused every Patient as "unknown or unrecognized resource name 'Patient'" (seen in CI,
 * while another node's content install had this node clearing its caches every few seconds). Taking the three steps
 * under one lock of our own makes each whole; HAPI already serialises single fetches on its own lock, so this adds no
 * wait they did not have.
 */
public class ConsistentValidationSupportChain extends JpaValidationSupportChain {

    private final Object structureDefinitions = new Object();

    public ConsistentValidationSupportChain(FhirContext fhirContext, CacheConfiguration cacheConfiguration,
            WorkerContextValidationSupportAdapter workerContext) {
        super(fhirContext, cacheConfiguration, workerContext);
    }

    @Nonnull
    @Override
    public List<IBaseResource> fetchAllStructureDefinitions() {
        synchronized (structureDefinitions) {
            return super.fetchAllStructureDefinitions();
        }
    }

    @Override
    public IBaseResource fetchStructureDefinition(String url) {
        synchronized (structureDefinitions) {
            return super.fetchStructureDefinition(url);
        }
    }

    @Override
    public void invalidateCaches() {
        synchronized (structureDefinitions) {
            super.invalidateCaches();
        }
    }
}
