package org.resistancecds.security;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.resistancecds.security.SmartScope.Level;
import org.resistancecds.security.SmartScope.Permission;

/**
 * Keeps a search made under patient-level scopes inside the token patient's compartment. HAPI's compartment rule
 * lets a search through when one value of a compartment parameter names the patient, so
 * {@code Observation?patient=A,B} passed for patient A; its resources are checked on the way out, but a count
 * ({@code _summary=count}, {@code _count=0}, {@code total}) is not a resource and told A how much B has. Here
 * some occurrence of a compartment parameter must name the token's patient and nothing else (further parameters
 * can only narrow the result); otherwise the search is refused whole, as other out-of-compartment searches are.
 */
public final class PatientSearchLimit {

    private static final String COMPARTMENT = "Patient";

    private final FhirContext fhirContext;
    private final Set<String> sharedReadTypes;

    public PatientSearchLimit(FhirContext fhirContext, Set<String> sharedReadTypes) {
        this.fhirContext = fhirContext;
        this.sharedReadTypes = Set.copyOf(sharedReadTypes);
    }

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
    public void check(RequestDetails request, RestOperationTypeEnum operation) {
        if (operation != RestOperationTypeEnum.SEARCH_TYPE) {
            return;
        }
        FhirAccess access = SmartAuthorizationInterceptor.access(request);
        String type = request.getResourceName();
        if (access == null || access.patient() == null || type == null || sharedReadTypes.contains(type)
                || access.allowsAcrossPatients(type, Permission.SEARCH)
                || !access.allows(Level.PATIENT, type, Permission.SEARCH)) {
            // Not a search that only patient-level scopes allow: the authorization rules decide it alone.
            return;
        }
        Set<String> parameters = compartmentParameters(type);
        for (Map.Entry<String, String[]> parameter : request.getParameters().entrySet()) {
            if (parameters.contains(withoutTypeModifier(parameter.getKey()))
                    && Arrays.stream(parameter.getValue()).anyMatch(value -> namesOnly(value, access.patient()))) {
                return;
            }
        }
        throw new ForbiddenOperationException("A search under patient-level scopes must stay in the compartment of "
                + "patient " + access.patient() + ": give " + String.join(" or ", parameters) + " with that patient "
                + "alone (Patient/" + access.patient() + "), not a list of patients.");
    }

    private Set<String> compartmentParameters(String type) {
        Set<String> names = new HashSet<>();
        for (RuntimeSearchParam parameter :
                fhirContext.getResourceDefinition(type).getSearchParamsForCompartmentName(COMPARTMENT)) {
            names.add(parameter.getName());
        }
        if (COMPARTMENT.equals(type)) {
            names.add("_id");
        }
        return names;
    }

    /** {@code subject:Patient} is {@code subject}; other modifiers ({@code :not}, {@code :missing}) do not confine. */
    private static String withoutTypeModifier(String name) {
        return name.endsWith(":" + COMPARTMENT) ? name.substring(0, name.length() - COMPARTMENT.length() - 1) : name;
    }

    /** True when every alternative of the value (comma-separated, an OR) is the patient. */
    private static boolean namesOnly(String value, String patient) {
        return Arrays.stream(value.split(",", -1))
                .allMatch(one -> one.equals(patient) || one.equals(COMPARTMENT + "/" + patient));
    }
}
