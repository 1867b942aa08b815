package org.resistancecds.cds.request;

/**
 * The OAuth 2.0 access token a CDS client grants for reading its FHIR server ({@code fhirAuthorization}).
 *
 * @param accessToken the bearer token sent to {@code fhirServer}
 * @param tokenType always {@code Bearer}
 * @param expiresIn lifetime in seconds, when given
 * @param scope granted scopes, when given
 * @param subject the OAuth client id of this service at the EHR, when given
 * @param patient the patient the token is limited to, when given
 */
public record FhirAuthorization(
        String accessToken, String tokenType, Long expiresIn, String scope, String subject, String patient) {

    @Override
    public String toString() {
        // Keep the token out of logs and exception messages.
        return "FhirAuthorization[tokenType=" + tokenType + ", scope=" + scope + ", subject=" + subject + "]";
    }
}
