package org.resistancecds.subscription;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Subscription;

/**
 * HAPI stores a Subscription of a channel type the server does not deliver (websocket, email, message) with 201 and
 * leaves it {@code requested} for ever; the client would wait for notifications that never come. Refused with 422.
 */
public class RestHookOnly {

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
    public void created(IBaseResource resource) {
        check(resource);
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
    public void updated(IBaseResource previous, IBaseResource resource) {
        check(resource);
    }

    private static void check(IBaseResource resource) {
        if (resource instanceof Subscription subscription
                && subscription.getChannel().getType() != Subscription.SubscriptionChannelType.RESTHOOK) {
            String type = subscription.getChannel().hasType() ? subscription.getChannel().getType().toCode() : "none";
            throw new UnprocessableEntityException("Subscription.channel.type is " + type + "; this server delivers "
                    + "rest-hook subscriptions only (a PUT of each matching resource to channel.endpoint).");
        }
    }
}
