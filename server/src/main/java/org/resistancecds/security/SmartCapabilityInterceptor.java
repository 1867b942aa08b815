package org.resistancecds.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.UriType;

/**
 * Describes the enforced access control in the CapabilityStatement: {@code rest.security} with the
 * SMART-on-FHIR service and the issuer's endpoints in the SMART {@code oauth-uris} extension.
 */
public class SmartCapabilityInterceptor {

    static final String OAUTH_URIS = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris";
    static final String SERVICE_SYSTEM = "http://terminology.hl7.org/CodeSystem/restful-security-service";

    private final FhirSecurityProperties properties;

    public SmartCapabilityInterceptor(FhirSecurityProperties properties) {
        this.properties = properties;
    }

    @Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
    public void describeSecurity(IBaseConformance statement) {
        if (!(statement instanceof CapabilityStatement capabilities)) {
            return;
        }
        for (CapabilityStatement.CapabilityStatementRestComponent rest : capabilities.getRest()) {
            CapabilityStatement.CapabilityStatementRestSecurityComponent security =
                    new CapabilityStatement.CapabilityStatementRestSecurityComponent();
            security.setCors(true);
            security.addService(new CodeableConcept(new Coding(SERVICE_SYSTEM, "SMART-on-FHIR", "SMART-on-FHIR"))
                    .setText("OAuth2 bearer tokens (JWT) with SMART on FHIR v1/v2 scopes"));
            Extension uris = new Extension(OAUTH_URIS);
            if (!properties.tokenEndpoint().isBlank()) {
                uris.addExtension("token", new UriType(properties.tokenEndpoint()));
            }
            if (!properties.authorizationEndpoint().isBlank()) {
                uris.addExtension("authorize", new UriType(properties.authorizationEndpoint()));
            }
            if (uris.hasExtension()) {
                security.addExtension(uris);
            }
            security.setDescription(description());
            rest.setSecurity(security);
        }
    }

    private String description() {
        String issuer = properties.issuer().isBlank() ? "none configured: every data request is refused" : properties.issuer();
        return "Every request except metadata and /.well-known/smart-configuration needs an OAuth2 bearer token (JWT) "
                + "from the issuer " + issuer + ", signed by a key of its JWKS, with an accepted audience. SMART on FHIR "
                + "scopes are enforced: v2 (patient|user|system)/(Type|*).cruds and v1 .read/.write/.*; patient-level "
                + "scopes reach only the compartment of the patient named by the '" + properties.patientClaim()
                + "' claim. Every access is recorded in the audit log.";
    }
}
