package org.resistancecds.security;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;

/**
 * Answers a FHIR request without a valid token: 401, an OperationOutcome saying why, and the
 * {@code WWW-Authenticate} challenge of RFC 6750.
 */
final class FhirAuthenticationEntryPoint implements AuthenticationEntryPoint {

    private static final Logger log = LoggerFactory.getLogger(FhirAuthenticationEntryPoint.class);

    private final FhirContext fhirContext;
    private final String unconfiguredReason;

    /** @param unconfiguredReason why no token can be accepted, or null when an issuer is configured */
    FhirAuthenticationEntryPoint(FhirContext fhirContext, String unconfiguredReason) {
        this.fhirContext = fhirContext;
        this.unconfiguredReason = unconfiguredReason;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException failure)
            throws IOException {
        String reason;
        String challenge = "Bearer realm=\"fhir\"";
        if (failure instanceof OAuth2AuthenticationException oauth) {
            String description = oauth.getError().getDescription() == null
                    ? oauth.getError().getErrorCode()
                    : oauth.getError().getDescription();
            reason = "The access token was refused: " + description;
            challenge += ", error=\"invalid_token\", error_description=\"" + ChallengeText.of(description) + "\"";
        } else {
            reason = "A bearer access token is required (Authorization: Bearer <token>).";
        }
        if (unconfiguredReason != null) {
            reason += " Note: " + unconfiguredReason + "; data stay closed until an administrator configures one.";
        }
        log.debug("FHIR request {} {} refused with 401: {}", request.getMethod(), request.getRequestURI(), reason);
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue()
                .setSeverity(OperationOutcome.IssueSeverity.ERROR)
                .setCode(OperationOutcome.IssueType.LOGIN)
                .setDiagnostics(reason);
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, challenge);
        response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        response.setContentType("application/fhir+json;charset=UTF-8");
        response.getOutputStream().write(
                fhirContext.newJsonParser().encodeResourceToString(outcome).getBytes(StandardCharsets.UTF_8));
    }
}
