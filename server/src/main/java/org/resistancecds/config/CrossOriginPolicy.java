package org.resistancecds.config;

import java.util.List;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;
import org.springframework.web.filter.CorsFilter;

/**
 * What pages on other origins may send to an endpoint and read from its answers; {@link #filter} puts it in front
 * of the endpoint as Spring's CORS filter.
 *
 * @param methods the HTTP methods a page may use
 * @param requestHeaders the headers a page may send
 * @param exposedHeaders the response headers a page may read beyond the CORS-safelisted ones
 */
public record CrossOriginPolicy(List<String> methods, List<String> requestHeaders, List<String> exposedHeaders) {

    /**
     * Spring's CORS filter for the given origins (patterns such as {@code https://*.example.org}) on the given
     * paths. It runs before any authentication filter, so a preflight (which never carries a token) is answered
     * without one and the page can read a 401. Without origins it lets no page in; a page on an origin off the list
     * gets the refusal's answer.
     */
    public FilterRegistrationBean<CorsFilter> filter(
            String name, List<String> origins, RefusedOrigin refusal, String... urlPatterns) {
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        if (!origins.isEmpty()) {
            CorsConfiguration cors = new CorsConfiguration();
            cors.setAllowedOriginPatterns(origins);
            cors.setAllowedMethods(methods);
            cors.setAllowedHeaders(requestHeaders);
            cors.setExposedHeaders(exposedHeaders);
            // Tokens travel in the Authorization header, never in cookies.
            cors.setAllowCredentials(false);
            cors.setMaxAge(3600L);
            // Any path: the registration's URL patterns already confine the filter to the endpoint.
            source.registerCorsConfiguration("/**", cors);
        }
        CorsFilter cors = new CorsFilter(source);
        cors.setCorsProcessor(refusal);
        FilterRegistrationBean<CorsFilter> registration = FhirRestfulServerConfig.filter(cors, 8, urlPatterns);
        registration.setName(name);
        return registration;
    }
}
