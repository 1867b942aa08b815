package org.resistancecds.cds;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the CDS Hooks endpoints ({@code /cds-services}).
 *
 * @param publicBaseUrl the server's public base URL (scheme, host, port, context path) as clients call it, e.g.
 *     {@code https://cds.example.org}; used for the JWT audience, to recognise {@code fhirServer} as this
 *     server and for the knowledge-page links in card sources. Empty means: derive it from each request
 * @param allowedOrigins CORS origins (patterns) of browser-based EHRs and sandboxes; empty disables CORS
 * @param maxRequestBytes largest request body accepted (413 above)
 * @param prefetch how missing prefetch data is fetched
 */
@ConfigurationProperties("resistance.cds")
public record CdsHooksProperties(
        @DefaultValue("") String publicBaseUrl,
        @DefaultValue("*") List<String> allowedOrigins,
        @DefaultValue("16000000") long maxRequestBytes,
        @DefaultValue Prefetch prefetch) {

    /**
     * Fetching of prefetch data the client did not send.
     *
     * @param requireHttps read a remote {@code fhirServer} only over https (the access token travels with each
     *     read); http is always allowed for a loopback address and for this server itself
     * @param timeout time allowed for each read from a remote {@code fhirServer}
     * @param maxPages pages of a search result followed through {@code next} links
     * @param maxResources most resources one prefetch key may bring; beyond it the call fails (412) rather
     *     than deciding on a truncated record
     * @param cacheTtl how long this server's answers to a patient's prefetch queries are kept for the next hook
     *     call; writes on this node drop them at once, writes on other nodes are seen after at most this long;
     *     0 keeps nothing
     * @param cacheMaxResources most resources kept in that cache (the heap it may take)
     */
    public record Prefetch(
            @DefaultValue("true") boolean requireHttps,
            @DefaultValue("10s") Duration timeout,
            @DefaultValue("50") int maxPages,
            @DefaultValue("10000") int maxResources,
            @DefaultValue("10s") Duration cacheTtl,
            @DefaultValue("20000") long cacheMaxResources) {}
}
