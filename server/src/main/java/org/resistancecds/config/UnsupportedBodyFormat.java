package org.resistancecds.config;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;

/**
 * A resource sent in a format the server cannot read as one ({@code text/plain}, {@code application/octet-stream}, a
 * form where a resource belongs) is answered 415 Unsupported Media Type, as HTTP says; HAPI answered 400. A body with
 * no {@code Content-Type} at all stays a 400, and {@code Binary} still takes any format (HAPI stores it as the
 * Binary's content). A FHIR body whose type names another FHIR version ({@code fhirVersion=3.0}) is a 415 too: HAPI
 * read it as R4.
 */
public class UnsupportedBodyFormat {

    /** HAPI's codes for a form (446) and for any other format that is neither FHIR JSON nor XML (449). */
    private static final List<String> HAPI_UNREADABLE_FORMAT = List.of("HAPI-0446: ", "HAPI-0449: ");

    private static final Set<RequestTypeEnum> WITH_BODY =
            EnumSet.of(RequestTypeEnum.POST, RequestTypeEnum.PUT, RequestTypeEnum.PATCH);

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
    public void refuseOtherFhirVersion(RequestDetails request) {
        String contentType = request.getHeader(Constants.HEADER_CONTENT_TYPE);
        if (contentType == null || !WITH_BODY.contains(request.getRequestType())
                || "Binary".equals(request.getResourceName())) {
            return;
        }
        MediaType type;
        try {
            type = MediaType.parseMediaType(contentType);
        } catch (InvalidMediaTypeException e) {
            return; // HAPI's own refusal names what is wrong
        }
        if (!FhirVersion.isR4(type)) {
            throw new UnclassifiedServerFailureException(415, "This server reads FHIR R4 (fhirVersion=4.0) only; "
                    + "the body is declared as " + contentType + ". Nothing was stored.");
        }
    }

    @Hook(value = Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION, order = -10)
    public BaseServerResponseException unsupported(Throwable failure) {
        if (failure instanceof InvalidRequestException refused && refused.getMessage() != null
                && HAPI_UNREADABLE_FORMAT.stream().anyMatch(refused.getMessage()::startsWith)) {
            return IssueCodeByStatus.coded(new UnclassifiedServerFailureException(415, refused.getMessage()
                    + ". Send it as application/fhir+json or application/fhir+xml."));
        }
        return null;
    }
}
