package org.resistancecds.cds.security;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.resistancecds.cds.CdsErrorBody;
import org.resistancecds.security.ChallengeText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.cors.CorsUtils;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Requires a valid CDS Hooks client JWT ({@code Authorization: Bearer}) on every call under
 * {@code /cds-services}, discovery included; answers 401 with the reason otherwise. The verified issuer is kept
 * on the request for the feedback record.
 */
public class CdsAuthenticationFilter extends OncePerRequestFilter {

    /** Request attribute holding the verified client's issuer. */
    public static final String CLIENT_ATTRIBUTE = "org.resistancecds.cds.client";

    private static final Logger log = LoggerFactory.getLogger(CdsAuthenticationFilter.class);
    private static final String BEARER = "Bearer ";

    /**
     * Added to every refusal while no client is registered: then no token can pass, and the client (often the
     * person who just started the server as the README says) learns only from the server's log why.
     */
    static final String NO_CLIENTS = " This server trusts no CDS client yet (resistance.cds.security.clients is "
            + "empty), so it accepts no token: register the EHR's issuer and keys (docs/cds-hooks.md, 'Registering a "
            + "client'), or start with --spring.profiles.active=dev for open local use.";

    private final CdsJwtVerifier verifier;
    private final FhirContext fhirContext;
    private final String publicBaseUrl;

    public CdsAuthenticationFilter(CdsJwtVerifier verifier, FhirContext fhirContext, String publicBaseUrl) {
        this.verifier = verifier;
        this.fhirContext = fhirContext;
        this.publicBaseUrl = publicBaseUrl == null ? "" : publicBaseUrl.strip();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (CorsUtils.isPreFlightRequest(request)) {
            // A browser's preflight carries no credentials by design.
            chain.doFilter(request, response);
            return;
        }
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            refuse(response, "Authorization: Bearer <JWT> is required (CDS Hooks client authentication)");
            return;
        }
        try {
            String issuer = verifier.verify(header.substring(BEARER.length()).strip(), audiences(request));
            request.setAttribute(CLIENT_ATTRIBUTE, issuer);
        } catch (ReplayCheckUnavailable e) {
            log.warn("CDS call to {} refused for now: {}", request.getRequestURI(), e.getMessage());
            response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            response.setHeader(HttpHeaders.RETRY_AFTER, "5");
            response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
            response.setContentType(MediaType.APPLICATION_JSON_VALUE);
            response.getOutputStream().write(CdsErrorBody.json(fhirContext, 503, e.getMessage()));
            return;
        } catch (AuthenticationFailure e) {
            log.info("CDS call to {} refused: {}", request.getRequestURI(), e.getMessage());
            refuse(response, e.getMessage());
            return;
        }
        chain.doFilter(request, response);
    }

    /** The URL called, as the client sees it; for feedback the service's own URL is accepted too. */
    private List<URI> audiences(HttpServletRequest request) {
        String base = publicBaseUrl.isEmpty() ? origin(request) : trimSlash(publicBaseUrl);
        String path = request.getRequestURI().substring(request.getContextPath().length());
        String contextPath = publicBaseUrl.isEmpty() ? request.getContextPath() : "";
        List<URI> audiences = new ArrayList<>();
        audiences.add(URI.create(base + contextPath + path));
        if (path.endsWith("/feedback")) {
            audiences.add(URI.create(base + contextPath + path.substring(0, path.length() - "/feedback".length())));
        }
        return audiences;
    }

    private static String origin(HttpServletRequest request) {
        String host = request.getServerName();
        if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return request.getScheme() + "://" + host + ":" + request.getServerPort();
    }

    private static String trimSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private void refuse(HttpServletResponse response, String refusal) throws IOException {
        String reason = verifier.hasClients() ? refusal : refusal + NO_CLIENTS;
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE,
                "Bearer error=\"invalid_token\", error_description=\"" + ChallengeText.of(reason) + "\"");
        response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.getOutputStream().write(CdsErrorBody.json(fhirContext, 401, "Unauthorized: " + reason));
    }
}
