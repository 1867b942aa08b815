package org.resistancecds.subscription;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.model.config.SubscriptionSettings;
import ca.uhn.fhir.jpa.subscription.channel.config.SubscriptionChannelConfig;
import ca.uhn.fhir.jpa.subscription.match.config.SubscriptionProcessorConfig;
import ca.uhn.fhir.jpa.subscription.match.deliver.email.IEmailSender;
import ca.uhn.fhir.jpa.subscription.match.registry.SubscriptionRegistry;
import ca.uhn.fhir.jpa.subscription.submit.config.SubscriptionSubmitterConfig;
import org.hl7.fhir.dstu2.model.Subscription.SubscriptionChannelType;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * FHIR R4 rest-hook Subscriptions, HAPI's: a Subscription posted with status {@code requested} is activated, and
 * every later create or update its criteria match is sent to its endpoint (for the care team's alerts,
 * {@code Communication?category=alert}, which re-evaluation stores). HAPI's in-process queues carry the
 * notifications, as they carry the batch jobs' messages.
 */
@Configuration
@Import({SubscriptionChannelConfig.class, SubscriptionSubmitterConfig.class, SubscriptionProcessorConfig.class})
public class SubscriptionConfig {

    /**
     * @param endpointPattern regular expression a rest-hook endpoint must match; empty keeps HAPI's (any http or
     *     https URL). A deployment should narrow it to the hosts that may receive data.
     */
    @Bean
    public SubscriptionSettings subscriptionSettings(
            @Value("${resistance.subscriptions.endpoint-pattern:}") String endpointPattern) {
        SubscriptionSettings settings = new SubscriptionSettings();
        // HAPI's setting is typed with the DSTU2 model's enum, whatever the server's FHIR version.
        settings.addSupportedSubscriptionType(SubscriptionChannelType.RESTHOOK);
        if (!endpointPattern.isBlank()) {
            settings.setRestHookEndpointUrlValidationRegex(endpointPattern);
        }
        return settings;
    }

    /** HAPI's subscription processor needs one; e-mail is not a supported channel type, so it is never called. */
    @Bean
    public IEmailSender noEmailSender() {
        return email -> {
            throw new UnsupportedOperationException("This server delivers subscriptions by rest-hook only");
        };
    }

    @Bean
    public SubscribedTypesOnly subscribedTypesOnly(SubscriptionRegistry registry, FhirContext fhirContext,
            IInterceptorService storageInterceptors) {
        SubscribedTypesOnly filter = new SubscribedTypesOnly(registry, fhirContext);
        storageInterceptors.registerInterceptor(filter);
        return filter;
    }

    @Bean
    public RestHookOnly restHookOnly(IInterceptorService storageInterceptors) {
        RestHookOnly check = new RestHookOnly();
        storageInterceptors.registerInterceptor(check);
        return check;
    }
}
