package org.resistancecds.subscription;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.subscription.match.registry.ActiveSubscription;
import ca.uhn.fhir.jpa.subscription.match.registry.SubscriptionRegistry;
import ca.uhn.fhir.jpa.subscription.model.ResourceModifiedMessage;

/**
 * HAPI stores a message row for every write, in the write's transaction, so that a matching subscription is told
 * even after a crash; with no subscription on the type that is a row written and deleted for nothing (a cohort load
 * writes thousands of Observations). Only writes of a type some active subscription names, and of Subscriptions
 * themselves (HAPI registers them from these messages), go on. A subscription is told of changes after it is
 * active, as FHIR's activation promises.
 */
public class SubscribedTypesOnly {

    private final SubscriptionRegistry registry;
    private final FhirContext fhirContext;

    public SubscribedTypesOnly(SubscriptionRegistry registry, FhirContext fhirContext) {
        this.registry = registry;
        this.fhirContext = fhirContext;
    }

    @Hook(Pointcut.SUBSCRIPTION_RESOURCE_MODIFIED)
    public boolean onlyWhatASubscriptionCanMatch(ResourceModifiedMessage message) {
        String type = message.getPayloadId(fhirContext).getResourceType();
        if ("Subscription".equals(type)) {
            return true;
        }
        for (ActiveSubscription subscription : registry.getAll()) {
            if (subscription.getCriteria() == null
                    || subscription.getCriteria().getApplicableResourceTypes() == null
                    || subscription.getCriteria().getApplicableResourceTypes().contains(type)) {
                return true;
            }
        }
        return false;
    }
}
