package org.resistancecds.config;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException;

/**
 * Says which body a PATCH takes when the client sent one kind under another's media type. HAPI's answers named its
 * parser ("Content does not appear to be FHIR JSON, first non-whitespace character was: '['", "Cannot deserialize
 * value of type java.util.ArrayList&lt;JsonPatchOperation&gt;"), or only the media type it refused.
 */
public class PatchBodyHints {

    static final String KINDS = "PATCH takes a JSON Patch (an array of operations) as application/json-patch+json, "
            + "an XML Patch as application/xml-patch+xml, or a FHIRPath Patch (a Parameters resource) as "
            + "application/fhir+json or application/fhir+xml.";

    @Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
    public BaseServerResponseException hint(RequestDetails request, Throwable failure) {
        if (request.getRequestType() != RequestTypeEnum.PATCH || failure.getMessage() == null) {
            return null;
        }
        String message = failure.getMessage();
        if (message.contains("HAPI-1965: ")) {
            // A media type the server does not take for a body is a 415 (HTTP); HAPI answered 400.
            return IssueCodeByStatus.coded(new UnclassifiedServerFailureException(415, message + ". " + KINDS));
        }
        if (message.contains("HAPI-1859: ") && message.contains("'['")) {
            return new InvalidRequestException("The body is an array, as a JSON Patch is, but was sent as a FHIR "
                    + "resource. Send a JSON Patch as application/json-patch+json. " + KINDS);
        }
        if (message.contains("HAPI-1272: ") && message.contains("JsonPatchOperation")) {
            return new InvalidRequestException("A JSON Patch is an array of operations ([{\"op\": ...}]); this body "
                    + "is not one. " + KINDS);
        }
        if (message.contains("HAPI-1272: ") && message.contains("no such path in target JSON document")) {
            return new InvalidRequestException("The JSON Patch cannot be applied to this resource: an operation's path "
                    + "names an element the resource does not have. replace, remove, move, copy and test need it to "
                    + "exist; add creates it.");
        }
        return null;
    }
}
