package org.resistancecds.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.IPreResourceShowDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationInterceptor;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRule;
import ca.uhn.fhir.rest.server.interceptor.auth.PolicyEnum;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import java.util.Collections;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * HAPI's authorization interceptor with rules built per request from the verified token's SMART scopes
 * ({@link FhirAccess}, put on the request by the Spring Security chain). Denies by default.
 */
public class SmartAuthorizationInterceptor extends AuthorizationInterceptor {

    /** Interactions that answer with what they wrote, not with what they read. */
    private static final Set<RestOperationTypeEnum> WRITES = EnumSet.of(RestOperationTypeEnum.CREATE,
            RestOperationTypeEnum.UPDATE, RestOperationTypeEnum.PATCH, RestOperationTypeEnum.DELETE);

    private static final String WRITTEN = SmartAuthorizationInterceptor.class.getName() + ".written";

    private final SmartRules rules;

    public SmartAuthorizationInterceptor(SmartRules rules) {
        super(PolicyEnum.DENY);
        this.rules = rules;
    }

    @Override
    public List<IAuthRule> buildRuleList(RequestDetails request) {
        return rules.build(access(request), request.getRestOperationType());
    }

    /**
     * A conditional create or update first searches its URL ({@code If-None-Exist}, {@code PUT Observation?...}) and
     * HAPI shows the matches to this pointcut, treating a match refused here as no match. HAPI's own check of
     * this pointcut skips writes, so without this one a conditional create answered 200 with whatever it matched:
     * another patient's resource, to a token that may not read it. Matches the token may not read are now hidden.
     */
    @Hook(Pointcut.STORAGE_PRESHOW_RESOURCES)
    public void hideUnreadableMatches(RequestDetails request, IPreResourceShowDetails details) {
        // Only the conditional URL's matches: a plain update shows HAPI the resource it replaces, which an update
        // scope without read may still replace; and the resource a write stored is shown as its answer, not as a
        // match (refusing it answered 403 for a write that had happened).
        RestOperationTypeEnum operation = request.getRestOperationType();
        if (!WRITES.contains(operation) || request.getConditionalUrl(operation) == null) {
            return;
        }
        Set<IBaseResource> written = written(request);
        for (int i = 0; i < details.size(); i++) {
            IBaseResource match = details.getResource(i);
            if (match != null && !written.contains(match) && applyRulesAndReturnDecision(
                    RestOperationTypeEnum.READ, request, null, null, match,
                    Pointcut.STORAGE_PRESHOW_RESOURCES).getDecision() != PolicyEnum.ALLOW) {
                throw new ForbiddenOperationException("The token may not read the resource this conditional URL "
                        + "matched");
            }
        }
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
    public void created(IBaseResource resource, RequestDetails request) {
        if (request != null) {
            written(request).add(resource);
        }
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
    public void updated(IBaseResource previous, IBaseResource resource, RequestDetails request) {
        created(resource, request);
    }

    /** The resources this request stored, by identity; a transaction's entries share the request's user data. */
    @SuppressWarnings("unchecked")
    private static Set<IBaseResource> written(RequestDetails request) {
        return (Set<IBaseResource>) request.getUserData().computeIfAbsent(WRITTEN,
                key -> Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>())));
    }

    static FhirAccess access(RequestDetails request) {
        if (request instanceof ServletRequestDetails servlet && servlet.getServletRequest() != null
                && servlet.getServletRequest().getAttribute(FhirAccess.ATTRIBUTE) instanceof FhirAccess access) {
            return access;
        }
        return null;
    }
}
