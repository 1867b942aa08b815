package org.resistancecds.security;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import java.util.LinkedHashSet;
import java.util.Set;
import org.resistancecds.security.SmartScope.Permission;

/**
 * A chained parameter ({@code subject:Patient.birthdate}, {@code has-member:Observation.value-concept}) or
 * {@code _has} searches the resources it names, and only the resources the search returns are checked against the
 * token: HAPI let the chain read types the token may not search, and reach other patients' resources through a
 * resource of the token's own patient. So each type a chain or {@code _has} reads must be one the token may search
 * across patients (a user- or system-level search scope, or a type everyone may read); under patient-level scopes
 * alone, chains and {@code _has} are refused.
 */
public final class ChainedSearchScope {

    private final FhirContext fhirContext;
    private final ISearchParamRegistry registry;
    private final Set<String> sharedReadTypes;

    public ChainedSearchScope(FhirContext fhirContext, ISearchParamRegistry registry, Set<String> sharedReadTypes) {
        this.fhirContext = fhirContext;
        this.registry = registry;
        this.sharedReadTypes = Set.copyOf(sharedReadTypes);
    }

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
    public void check(RequestDetails request, RestOperationTypeEnum operation) {
        FhirAccess access = SmartAuthorizationInterceptor.access(request);
        String type = request.getResourceName();
        if (operation != RestOperationTypeEnum.SEARCH_TYPE || access == null || type == null) {
            return;
        }
        for (String parameter : request.getParameters().keySet()) {
            for (String read : typesRead(type, parameter)) {
                if (!sharedReadTypes.contains(read) && !access.allowsAcrossPatients(read, Permission.SEARCH)) {
                    throw new ForbiddenOperationException("The search parameter " + parameter + " searches " + read
                            + " resources, and this token may not search them across patients: chained parameters "
                            + "and _has need a user- or system-level scope to search the types they read (qualify a "
                            + "chain with its type, as subject:Patient.name, to read that type only).");
                }
            }
        }
    }

    /** The types a parameter reads besides the one searched: each {@code _has} type and each chain hop's targets. */
    private Set<String> typesRead(String type, String parameter) {
        Set<String> read = new LinkedHashSet<>();
        String current = type;
        String rest = parameter;
        // _has:Observation:patient:code — the part after the type and its reference parameter is searched on it.
        while (rest.startsWith("_has:")) {
            String[] parts = rest.split(":", 4);
            if (parts.length < 4) {
                return read; // HAPI refuses the malformed _has itself
            }
            current = parts[1];
            read.add(current);
            rest = parts[3];
        }
        String[] hops = rest.split("\\.");
        Set<String> from = Set.of(current);
        for (int i = 0; i < hops.length - 1; i++) {
            Set<String> to = targets(from, hops[i]);
            read.addAll(to);
            from = to;
        }
        return read;
    }

    /** The types one chain hop ({@code subject} or {@code subject:Patient}) can reach from the given types. */
    private Set<String> targets(Set<String> from, String hop) {
        String[] nameAndType = hop.split(":", 2);
        if (nameAndType.length == 2 && fhirContext.getResourceTypes().contains(nameAndType[1])) {
            return Set.of(nameAndType[1]);
        }
        Set<String> targets = new LinkedHashSet<>();
        for (String type : from) {
            RuntimeSearchParam parameter = registry.getActiveSearchParam(
                    type, nameAndType[0], ISearchParamRegistry.SearchParamLookupContextEnum.SEARCH);
            if (parameter != null) {
                // A reference parameter without declared targets may reach any type.
                targets.addAll(parameter.getTargets().isEmpty()
                        ? fhirContext.getResourceTypes()
                        : parameter.getTargets());
            }
        }
        return targets;
    }
}
