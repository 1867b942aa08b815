package org.resistancecds.security;

import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationFlagsEnum;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationInterceptor.Verdict;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRule;
import ca.uhn.fhir.rest.server.interceptor.auth.IRuleApplier;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;

/**
 * HAPI's write rule without create. HAPI has no update-only rule: its write rule also allows a create, so a
 * SMART {@code u} scope without {@code c} could create (by POST, or by PUT to an id that does not exist yet, which
 * HAPI checks as a create). This rule abstains on creates; the create rule built from {@code c} decides them.
 */
final class UpdateOnlyRule implements IAuthRule {

    private final IAuthRule write;

    UpdateOnlyRule(IAuthRule write) {
        this.write = write;
    }

    @Override
    public Verdict applyRule(RestOperationTypeEnum operation, RequestDetails request, IBaseResource inputResource,
            IIdType inputResourceId, IBaseResource outputResource, IRuleApplier ruleApplier,
            Set<AuthorizationFlagsEnum> flags, Pointcut pointcut) {
        if (operation == RestOperationTypeEnum.CREATE) {
            return null;
        }
        return write.applyRule(operation, request, inputResource, inputResourceId, outputResource, ruleApplier,
                flags, pointcut);
    }

    @Override
    public String getName() {
        return write.getName();
    }
}
