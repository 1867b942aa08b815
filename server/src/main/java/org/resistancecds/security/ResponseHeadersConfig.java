package org.resistancecds.security;

import java.util.List;
import org.resistancecds.cds.CdsHooksController;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.security.web.header.HeaderWriterFilter;
import org.springframework.security.web.header.writers.CacheControlHeadersWriter;
import org.springframework.security.web.header.writers.DelegatingRequestMatcherHeaderWriter;
import org.springframework.security.web.header.writers.XContentTypeOptionsHeaderWriter;
import org.springframework.security.web.header.writers.frameoptions.XFrameOptionsHeaderWriter;
import org.springframework.security.web.header.writers.frameoptions.XFrameOptionsHeaderWriter.XFrameOptionsMode;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;

/**
 * Spring Security's protective headers on every answer of the server, as its chain writes them on {@code /fhir}:
 * the pages, CDS Hooks, actuator, and refusals written before any servlet or security chain runs.
 */
@Configuration
public class ResponseHeadersConfig {

    @Bean
    public FilterRegistrationBean<HeaderWriterFilter> responseHeaders() {
        HeaderWriterFilter filter = new HeaderWriterFilter(List.of(
                new XContentTypeOptionsHeaderWriter(),
                // No page is meant to be framed (none is a SMART app an EHR embeds); framed by another site, the
                // preview's Accept button (a write on /fhir) could be clicked through a disguise.
                new XFrameOptionsHeaderWriter(XFrameOptionsMode.DENY),
                // CDS answers hold patient-derived guidance: not kept by browsers or proxies, like FHIR answers.
                new DelegatingRequestMatcherHeaderWriter(
                        PathPatternRequestMatcher.withDefaults().matcher(CdsHooksController.BASE + "/**"),
                        new CacheControlHeadersWriter())));
        FilterRegistrationBean<HeaderWriterFilter> registration = new FilterRegistrationBean<>(filter);
        registration.addUrlPatterns("/*");
        registration.setName("responseHeaders");
        // Outermost, so the answers of every other filter get the headers too.
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }
}
