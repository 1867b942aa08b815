package org.resistancecds.config;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.nio.charset.StandardCharsets;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * A conditional update ({@code PUT Patient?identifier=...}) whose body names an id: FHIR R4 (3.1.0.4.3) says the
 * id must be the matched resource's, else 400. HAPI overwrote the match whatever the body said, and with no match
 * created the resource under a new server id, ignoring the client's; both are refused here with 400 (the spec
 * allows a server without update-as-create to reject the second). The body is read again only for such requests.
 */
public class ConditionalUpdateIdCheck {

    private final FhirContext fhirContext;

    public ConditionalUpdateIdCheck(FhirContext fhirContext) {
        this.fhirContext = fhirContext;
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
    public void matchedResource(IBaseResource previous, IBaseResource updated, RequestDetails request) {
        String bodyId = bodyIdOfConditionalUpdate(request, updated);
        String matched = updated.getIdElement().getIdPart();
        if (bodyId != null && !bodyId.equals(matched)) {
            throw new InvalidRequestException("The conditional update matched " + updated.fhirType() + "/" + matched
                    + ", but the body's id is '" + bodyId + "'. Leave the id out, or give the matched one.");
        }
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
    public void noMatch(IBaseResource created, RequestDetails request) {
        String bodyId = bodyIdOfConditionalUpdate(request, created);
        if (bodyId != null) {
            throw new InvalidRequestException("The conditional update matched nothing, and this server does not "
                    + "create a resource under a client's id from a conditional update. PUT to " + created.fhirType()
                    + "/" + bodyId + " to create it with that id, or leave the id out.");
        }
    }

    /** The id the client wrote in the body of the conditional update that stores this resource, or {@code null}. */
    private String bodyIdOfConditionalUpdate(RequestDetails request, IBaseResource stored) {
        if (request == null
                || request.getRestOperationType() != RestOperationTypeEnum.UPDATE
                || request.getConditionalUrl(RestOperationTypeEnum.UPDATE) == null
                || !stored.fhirType().equals(request.getResourceName())) {
            return null;
        }
        // HAPI has already replaced the parsed resource's id with the match's, so the sent body is read again.
        String body = new String(request.loadRequestContents(), StandardCharsets.UTF_8);
        EncodingEnum encoding = EncodingEnum.detectEncodingNoDefault(body);
        if (encoding == null) {
            return null;
        }
        IBaseResource sent = encoding.newParser(fhirContext).parseResource(body);
        return sent.getIdElement().hasIdPart() ? sent.getIdElement().getIdPart() : null;
    }
}
