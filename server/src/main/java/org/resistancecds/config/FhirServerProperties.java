package org.resistancecds.config;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the FHIR REST endpoint.
 *
 * @param serverAddress absolute base URL to advertise (behind a proxy); empty means derive it from the request
 * @param defaultPageSize search page size when the client names none
 * @param maxPageSize largest page a client may ask for
 * @param allowedOrigins CORS origins (patterns) of browser-based SMART apps; empty (the default) lets no page on
 *     another origin call the endpoint
 */
@ConfigurationProperties("resistance.fhir")
public record FhirServerProperties(
        @DefaultValue("") String serverAddress,
        @DefaultValue("20") int defaultPageSize,
        @DefaultValue("200") int maxPageSize,
        List<String> allowedOrigins) {

    public FhirServerProperties {
        allowedOrigins = allowedOrigins == null ? List.of() : List.copyOf(allowedOrigins);
    }
}
