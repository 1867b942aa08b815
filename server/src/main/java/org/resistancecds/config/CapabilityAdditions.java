package org.resistancecds.config;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.SystemRestfulInteraction;

/**
 * Declares what the server does that HAPI's generated CapabilityStatement leaves unsaid: batch Bundles (answered
 * entry by entry) and update-as-create (a PUT to a new client-chosen id creates the resource).
 */
public class CapabilityAdditions {

    @Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
    public void declare(IBaseConformance statement) {
        if (!(statement instanceof CapabilityStatement capabilities)) {
            return;
        }
        for (CapabilityStatementRestComponent rest : capabilities.getRest()) {
            boolean batch = rest.getInteraction().stream().anyMatch(i -> i.getCode() == SystemRestfulInteraction.BATCH);
            if (!batch) {
                rest.addInteraction().setCode(SystemRestfulInteraction.BATCH);
            }
            rest.getResource().forEach(resource -> resource.setUpdateCreate(true));
        }
    }
}
