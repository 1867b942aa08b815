package org.resistancecds.config;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * A read or vread with {@code _summary=text} answers the resource with only its narrative, id, meta and the elements
 * FHIR makes mandatory, tagged SUBSETTED, as FHIR defines that summary (and as HAPI already answers it for each
 * resource of a search). HAPI wrote the narrative alone, as {@code text/html}, and the word {@code null} for a
 * resource without one.
 */
public class TextSummaryRead {

    private static final String ASKED = TextSummaryRead.class.getName() + ".asked";
    /** HAPI's own element selection for this summary; {@code (mandatory)} is its name for FHIR's min 1 elements. */
    private static final Set<String> TEXT_SUMMARY = Set.of("*.text", "*.id", "*.meta", "*.(mandatory)");

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
    public void takeOver(RequestDetails request) {
        RestOperationTypeEnum operation = request.getRestOperationType();
        String[] summary = request.getParameters().get(Constants.PARAM_SUMMARY);
        if ((operation == RestOperationTypeEnum.READ || operation == RestOperationTypeEnum.VREAD)
                && summary != null && summary.length == 1 && "text".equals(summary[0])) {
            // HAPI picks its narrative-only answer from the parameter, so it must not see it.
            request.removeParameter(Constants.PARAM_SUMMARY);
            request.getUserData().put(ASKED, Boolean.TRUE);
        }
    }

    @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
    public boolean subset(RequestDetails request, ResponseDetails response) {
        IBaseResource resource = response.getResponseResource();
        if (request.getUserData().get(ASKED) == null || resource == null) {
            return true;
        }
        IParser parser = request.getFhirContext().newJsonParser();
        parser.setEncodeElements(TEXT_SUMMARY);
        IBaseResource summary = parser.parseResource(resource.getClass(), parser.encodeResourceToString(resource));
        summary.setId(resource.getIdElement());
        response.setResponseResource(summary);
        return true;
    }
}
