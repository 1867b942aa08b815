package org.resistancecds.security;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationInterceptor;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRule;
import ca.uhn.fhir.rest.server.interceptor.auth.PolicyEnum;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import java.util.List;

/**
 * HAPI's authorization interceptor with rules built per request from the verified token's SMART scopes
 * ({@link FhirAccess}, put on the request by the Spring Security chain). Denies by default.
 */
public class SmartAuthorizationInterceptor extends AuthorizationInterceptor {

    private final SmartRules rules;

    public SmartAuthorizationInterceptor(SmartRules rules) {
        super(PolicyEnum.DENY);
        this.rules = rules;
    }

    @Override
    public List<IAuthRule> buildRuleList(RequestDetails request) {
        return rules.build(access(request), request.getRestOperationType());
    }

    static FhirAccess access(RequestDetails request) {
        if (request instanceof ServletRequestDetails servlet && servlet.getServletRequest() != null
                && servlet.getServletRequest().getAttribute(FhirAccess.ATTRIBUTE) instanceof FhirAccess access) {
            return access;
        }
        return null;
    }
}
