package org.resistancecds.cds.prefetch;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.util.FhirTerser;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.resistancecds.cds.CdsHooksException;
import org.resistancecds.cds.request.FhirAuthorization;
import org.resistancecds.cds.request.HookRequest;
import org.resistancecds.security.FhirAccess;
import org.resistancecds.security.FhirTokenVerifier;
import org.resistancecds.security.SmartScope.Level;
import org.resistancecds.security.SmartScope.Permission;
import org.springframework.security.oauth2.jwt.JwtException;

/**
 * Decides whether a CDS call may read this server's own repository for missing prefetch, so that a CDS call
 * never reaches further than the FHIR API would for the same token. With FHIR access control on, the EHR must
 * grant a {@code fhirAuthorization} token issued for this server: it is verified like a bearer token on
 * {@code /fhir}, every query needs the matching scope ({@code r} for a read, {@code s} for a search), and what
 * a patient-level scope reads must lie in that patient's compartment. Without a token nothing is read (412).
 * With access control off ({@code dev}) everything may be read, as on the FHIR endpoint.
 */
public final class RepositoryAccessPolicy {

    /** What one call may read: the verified access, and the keys that must stay in its patient's compartment. */
    public record Grant(FhirAccess access, Set<String> compartmentKeys) {

        static final Grant OPEN = new Grant(null, Set.of());
    }

    private final boolean enforced;
    private final FhirTokenVerifier verifier;
    private final Set<String> sharedReadTypes;
    private final FhirContext fhirContext;
    private final FhirTerser terser;

    public RepositoryAccessPolicy(
            boolean enforced, FhirTokenVerifier verifier, Set<String> sharedReadTypes, FhirContext fhirContext) {
        this.enforced = enforced;
        this.verifier = verifier;
        this.sharedReadTypes = Set.copyOf(sharedReadTypes);
        this.fhirContext = fhirContext;
        this.terser = fhirContext.newTerser();
    }

    /** Checks the call's token against each rendered query (key to query) before anything is read. */
    public Grant check(HookRequest request, Map<String, String> queries) {
        if (!enforced) {
            return Grant.OPEN;
        }
        String notSent = PrefetchTemplate.notSent(queries.keySet());
        FhirAuthorization authorization = request.fhirAuthorization();
        if (authorization == null) {
            throw CdsHooksException.preconditionFailed(notSent + ", and the call grants no "
                    + "fhirAuthorization: this server reads its own patient data for a CDS call only with an access "
                    + "token issued for it (fhirServer and fhirAuthorization), limited to that token's scopes.");
        }
        FhirAccess access;
        try {
            access = verifier.verify(authorization.accessToken());
        } catch (JwtException e) {
            throw CdsHooksException.preconditionFailed(notSent + ", and fhirAuthorization "
                    + "was refused by this FHIR server: " + e.getMessage());
        }
        String contextPatient = request.context().patientId();
        boolean samePatient = access.patient() != null && access.patient().equals(contextPatient);
        Set<String> compartmentKeys = new LinkedHashSet<>();
        for (Map.Entry<String, String> query : queries.entrySet()) {
            String type = PrefetchTemplate.resourceType(query.getValue());
            if (sharedReadTypes.contains(type)) {
                continue;
            }
            Permission needed = query.getValue().contains("?") || !query.getValue().contains("/")
                    ? Permission.SEARCH
                    : Permission.READ;
            if (access.allows(Level.USER, type, needed) || access.allows(Level.SYSTEM, type, needed)) {
                continue;
            }
            if (access.allows(Level.PATIENT, type, needed)) {
                if (!samePatient) {
                    throw new CdsHooksException(403, "fhirAuthorization is limited to patient " + access.patient()
                            + ", but this call is about patient " + contextPatient + ".");
                }
                compartmentKeys.add(query.getKey());
                continue;
            }
            throw new CdsHooksException(403, "prefetch " + query.getKey() + " ('" + query.getValue()
                    + "') needs " + needed.name().toLowerCase(java.util.Locale.ROOT) + " access to " + type
                    + ", which fhirAuthorization does not grant.");
        }
        return new Grant(access, compartmentKeys);
    }

    /** Refuses the call if a patient-level read brought anything outside the token patient's compartment. */
    public void checkResults(Grant grant, Map<String, IBaseResource> results) {
        if (grant.compartmentKeys().isEmpty()) {
            return;
        }
        IdType patient = new IdType("Patient", grant.access().patient());
        for (String key : grant.compartmentKeys()) {
            IBaseResource result = results.get(key);
            if (result instanceof Bundle bundle) {
                for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
                    requireInCompartment(key, entry.getResource(), patient);
                }
            } else if (result != null) {
                requireInCompartment(key, result, patient);
            }
        }
    }

    private void requireInCompartment(String key, IBaseResource resource, IdType patient) {
        // Included Medications and other shared types hold no patient data and are readable with any token.
        if (resource == null || resource instanceof OperationOutcome
                || sharedReadTypes.contains(fhirContext.getResourceType(resource))) {
            return;
        }
        boolean inside = resource instanceof Patient
                ? patient.getIdPart().equals(resource.getIdElement().getIdPart())
                : terser.isSourceInCompartmentForTarget("Patient", resource, patient);
        if (!inside) {
            throw new CdsHooksException(403, "prefetch " + key + " would include "
                    + resource.getIdElement().toUnqualifiedVersionless().getValue()
                    + ", which is outside the compartment of patient " + patient.getIdPart()
                    + " that fhirAuthorization is limited to.");
        }
    }
}
