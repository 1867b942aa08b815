package org.resistancecds.config;

import java.time.Duration;
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
 * @param maxUploads request bodies received at once ({@code 0}: three quarters of Tomcat's worker threads); more
 *     are 503, see {@link BodyUploads}
 * @param minUploadRate the slowest a body may come, in bytes per second on average, once {@code uploadGrace} has
 *     passed (408 below)
 * @param uploadGrace how long a body may come at any pace
 * @param failedTokenLimit bearer tokens refused (401) per {@code failedTokenWindow} from one client address, on
 *     {@code /fhir} and {@code /cds-services} together; its further requests with a token are 429 in that window,
 *     before the token is checked ({@code 0}: no limit); see {@code security.RefusedTokenLimitFilter}
 * @param failedTokenWindow the window of {@code failedTokenLimit}, from the address's first refused token
 */
@ConfigurationProperties("resistance.http")
public record HttpLimitsProperties(
        @DefaultValue("0") DataSize maxRequestBody,
        @DefaultValue("0") DataSize maxBodiesInFlight,
        @DefaultValue("10000") int maxBundleEntries,
        @DefaultValue("100") int maxBundleReads,
        @DefaultValue("0") int maxUploads,
        @DefaultValue("8KB") DataSize minUploadRate,
        @DefaultValue("10s") Duration uploadGrace,
        @DefaultValue("20") int failedTokenLimit,
        @DefaultValue("1m") Duration failedTokenWindow) {}
