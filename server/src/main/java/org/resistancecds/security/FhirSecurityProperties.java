package org.resistancecds.security;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Access control of the FHIR endpoint ({@code /fhir}) by OAuth 2.0 bearer tokens with SMART on FHIR scopes.
 *
 * @param enabled require a token on every data request (on by default; the {@code dev} profile turns it off)
 * @param issuer the authorization server whose tokens are accepted ({@code iss}); unset means no token can be
 *     accepted and every data request is refused
 * @param jwkSetUri where the issuer publishes its signing keys (JWKS)
 * @param audience accepted {@code aud} values, usually this server's FHIR base URL; at least one is required
 * @param algorithms accepted signature algorithms (asymmetric)
 * @param clockSkew tolerance on {@code exp} and {@code nbf}
 * @param patientClaim the claim naming the patient of patient-level scopes
 * @param authorizationEndpoint the issuer's authorization endpoint, advertised in the SMART configuration
 * @param tokenEndpoint the issuer's token endpoint, advertised in the SMART configuration
 * @param sharedReadTypes resource types any valid token may read and search: they hold no patient data
 */
@ConfigurationProperties("resistance.security")
public record FhirSecurityProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("") String issuer,
        @DefaultValue("") String jwkSetUri,
        List<String> audience,
        @DefaultValue({"RS256", "RS384", "ES256", "ES384"}) List<String> algorithms,
        @DefaultValue("60s") Duration clockSkew,
        @DefaultValue("patient") String patientClaim,
        @DefaultValue("") String authorizationEndpoint,
        @DefaultValue("") String tokenEndpoint,
        @DefaultValue({"CodeSystem", "ValueSet", "ConceptMap", "StructureDefinition", "SearchParameter",
                "OperationDefinition", "Library", "PlanDefinition", "ActivityDefinition", "Medication"})
                List<String> sharedReadTypes) {

    public FhirSecurityProperties {
        audience = audience == null ? List.of() : List.copyOf(audience);
    }

    /** What is missing before tokens can be verified; empty when the issuer is fully configured. */
    public List<String> missingSettings() {
        List<String> missing = new ArrayList<>();
        if (issuer.isBlank()) {
            missing.add("resistance.security.issuer");
        }
        if (jwkSetUri.isBlank()) {
            missing.add("resistance.security.jwk-set-uri");
        }
        if (audience.isEmpty()) {
            missing.add("resistance.security.audience");
        }
        return missing;
    }
}
