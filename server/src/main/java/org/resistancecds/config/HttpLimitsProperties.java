package org.resistancecds.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Limits on what a client may send.
 *
 * @param maxRequestBody largest request body accepted on {@code /fhir} and {@code /cds-services}; larger ones get
 *     413 ({@code 0}: derived from the heap, see {@link RequestBodyLimitFilter#limit})
 * @param maxBodiesInFlight request bodies handled at once, in bytes ({@code 0}: a 32nd of the heap); see
 *     {@link BodiesInFlight}
 * @param maxBundleEntries most entries in one transaction or batch (413 above)
 * @param maxBundleReads most read entries (GET, HEAD) in one transaction or batch (413 above): each may answer a
 *     page of resources
 */
@ConfigurationProperties("resistance.http")
public record HttpLimitsProperties(
        @DefaultValue("0") DataSize maxRequestBody,
        @DefaultValue("0") DataSize maxBodiesInFlight,
        @DefaultValue("10000") int maxBundleEntries,
        @DefaultValue("100") int maxBundleReads) {}
