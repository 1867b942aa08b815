package org.resistancecds.config;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.ConditionalReadStatus;
import org.hl7.fhir.r4.model.CapabilityStatement.SystemRestfulInteraction;
import org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction;
import org.resistancecds.conformance.PackageWriter;

/**
 * Declares what the server does that HAPI's generated CapabilityStatement leaves unsaid: batch Bundles (answered
 * entry by entry), update-as-create (a PUT to a new client-chosen id creates the resource), conditional reads, reads
 * of past versions (readHistory, where vread is offered), and who it is: name, title, version and publisher (HAPI
 * wrote "RestServer" and "Not provided").
 */
public class CapabilityAdditions {

    @Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
    public void declare(IBaseConformance statement) {
        if (!(statement instanceof CapabilityStatement capabilities)) {
            return;
        }
        capabilities.setName("ResistanceCdsServer");
        capabilities.setTitle(FhirRestfulServerConfig.SERVER_NAME);
        capabilities.setVersion(PackageWriter.VERSION);
        capabilities.setPublisher("Resistance CDS Server project");
        for (CapabilityStatementRestComponent rest : capabilities.getRest()) {
            boolean batch = rest.getInteraction().stream().anyMatch(i -> i.getCode() == SystemRestfulInteraction.BATCH);
            if (!batch) {
                rest.addInteraction().setCode(SystemRestfulInteraction.BATCH);
            }
            for (CapabilityStatementRestResourceComponent resource : rest.getResource()) {
                resource.setUpdateCreate(true);
                // NotModifiedAnswers: If-Modified-Since and If-None-Match both answer 304.
                resource.setConditionalRead(ConditionalReadStatus.FULLSUPPORT);
                if (resource.getInteraction().stream().anyMatch(i -> i.getCode() == TypeRestfulInteraction.VREAD)) {
                    resource.setReadHistory(true);
                }
            }
        }
    }
}
