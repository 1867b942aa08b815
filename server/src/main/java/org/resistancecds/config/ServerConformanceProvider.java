package org.resistancecds.config;

import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.provider.JpaCapabilityStatementProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;

/**
 * HAPI's CapabilityStatement provider, which also answers {@code GET OperationDefinition/[id]} for the definitions
 * it generates, and so hid the stored ones: {@code OperationDefinition/evaluate-resistance} was a 404 although a
 * search by url found it. An id it did not generate is read from the database.
 */
public class ServerConformanceProvider extends JpaCapabilityStatementProvider {

    private final DaoRegistry daoRegistry;

    public ServerConformanceProvider(
            RestfulServer server,
            IFhirSystemDao<?, ?> systemDao,
            JpaStorageSettings storageSettings,
            ISearchParamRegistry searchParamRegistry,
            IValidationSupport validationSupport,
            DaoRegistry daoRegistry) {
        super(server, systemDao, storageSettings, searchParamRegistry, validationSupport);
        this.daoRegistry = daoRegistry;
    }

    @Override
    public IBaseResource readOperationDefinition(IIdType id, RequestDetails request) {
        try {
            return super.readOperationDefinition(id, request);
        } catch (ResourceNotFoundException generatedOnesDoNotHaveIt) {
            return daoRegistry.getResourceDao("OperationDefinition").read(id, request);
        }
    }
}
