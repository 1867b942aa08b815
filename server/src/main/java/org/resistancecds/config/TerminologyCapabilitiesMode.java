package org.resistancecds.config;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.Comparator;
import java.util.Date;
import java.util.Set;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.TerminologyCapabilities;

/**
 * Answers {@code GET metadata?mode=terminology} with a TerminologyCapabilities, as FHIR R4 defines that mode, where
 * HAPI answered the CapabilityStatement again: a terminology client or validator asking which code systems this
 * server can look up and validate got nothing it could read. The code systems are those stored here, read at each
 * request (the CapabilityStatement is cached, the stored terminology may have changed). Any other mode than the
 * three FHIR defines is refused.
 */
public class TerminologyCapabilitiesMode {

    private static final String MODE = "mode";
    private static final Set<String> MODES = Set.of("full", "normative", "terminology");

    private final DaoRegistry daoRegistry;

    public TerminologyCapabilitiesMode(DaoRegistry daoRegistry) {
        this.daoRegistry = daoRegistry;
    }

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
    public void checkMode(RequestDetails request, RestOperationTypeEnum operation) {
        String mode = mode(request);
        if (operation == RestOperationTypeEnum.METADATA && mode != null && !MODES.contains(mode)) {
            throw new InvalidRequestException("metadata mode '" + mode + "' is not one FHIR defines: use full, "
                    + "normative or terminology.");
        }
    }

    @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
    public boolean answerTerminologyMode(RequestDetails request, ResponseDetails response) {
        if (request.getRestOperationType() == RestOperationTypeEnum.METADATA && "terminology".equals(mode(request))) {
            response.setResponseResource(capabilities(request.getFhirServerBase()));
        }
        return true;
    }

    private TerminologyCapabilities capabilities(String base) {
        TerminologyCapabilities capabilities = new TerminologyCapabilities()
                .setStatus(PublicationStatus.ACTIVE)
                .setDate(new Date())
                .setKind(TerminologyCapabilities.CapabilityStatementKind.INSTANCE);
        capabilities.setName("ResistanceCdsTerminologyCapabilities");
        capabilities.getImplementation().setDescription(FhirRestfulServerConfig.SERVER_NAME).setUrl(base);
        capabilities.setCodeSearch(TerminologyCapabilities.CodeSearchSupport.ALL);
        SearchParameterMap all = SearchParameterMap.newSynchronous();
        daoRegistry.getResourceDao(CodeSystem.class).search(all, new SystemRequestDetails()).getAllResources().stream()
                .map(CodeSystem.class::cast)
                .filter(CodeSystem::hasUrl)
                .sorted(Comparator.comparing(CodeSystem::getUrl))
                .forEach(codeSystem -> {
                    TerminologyCapabilities.TerminologyCapabilitiesCodeSystemComponent entry =
                            capabilities.addCodeSystem().setUri(codeSystem.getUrl());
                    if (codeSystem.hasVersion()) {
                        entry.addVersion().setCode(codeSystem.getVersion()).setIsDefault(true);
                    }
                });
        // $expand with a hierarchy, $validate-code and $translate (ConceptMaps) are what the server offers.
        capabilities.getExpansion().setHierarchical(true);
        capabilities.getValidateCode().setTranslations(true);
        capabilities.getTranslation().setNeedsMap(true);
        capabilities.getClosure().setTranslation(false);
        return capabilities;
    }

    private static String mode(RequestDetails request) {
        String[] values = request.getParameters().get(MODE);
        return values == null || values.length == 0 ? null : values[0];
    }
}
