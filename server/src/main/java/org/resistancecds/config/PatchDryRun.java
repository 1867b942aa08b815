package org.resistancecds.config;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.interceptor.model.PrePatchDetails;
import ca.uhn.fhir.jpa.patch.FhirPatch;
import ca.uhn.fhir.jpa.patch.JsonPatchUtils;
import ca.uhn.fhir.jpa.patch.XmlPatchUtils;
import ca.uhn.fhir.rest.api.PatchTypeEnum;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import org.hl7.fhir.instance.model.api.IBaseParameters;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Resource;

/**
 * Makes a patch that cannot be applied a 400 that says why, not a 500: a FHIRPath Patch whose path does not parse
 * or whose value does not fit the element, an XML Patch that is no XML or selects nothing, a FHIRPath Patch body
 * that is no Parameters resource. HAPI let those fail deep in its patch code, where they became server faults.
 * A patch that changes the id is a 400 too (HAPI dropped the change and answered 200).
 * The patch is first applied to a copy of the stored resource, outside HAPI's transaction, where any failure
 * can only be the patch's. An XML Patch with a DOCTYPE is refused before anything reads it ({@link XmlPatchDoctype}).
 */
public class PatchDryRun {

    private final FhirContext fhirContext;

    public PatchDryRun(FhirContext fhirContext) {
        this.fhirContext = fhirContext;
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_PREPATCH)
    public void tryOnACopy(PrePatchDetails patch) {
        if (patch.getPatchType() == PatchTypeEnum.XML_PATCH) {
            XmlPatchDoctype.refuseIn(patch.getPatchBody());
        }
        if (!(patch.getResource() instanceof Resource stored)) {
            return;
        }
        Resource copy = stored.copy();
        IBaseResource patched;
        try {
            patched = switch (patch.getPatchType()) {
                case JSON_PATCH -> JsonPatchUtils.apply(fhirContext, copy, patch.getPatchBody());
                case XML_PATCH -> XmlPatchUtils.apply(fhirContext, copy, patch.getPatchBody());
                default -> {
                    new FhirPatch(fhirContext).apply(copy, patch.getFhirPatchBody());
                    yield copy;
                }
            };
        } catch (BaseServerResponseException answer) {
            if (answer.getStatusCode() < 500) {
                throw answer;
            }
            throw cannotApply(answer);
        } catch (RuntimeException failure) {
            throw cannotApply(failure);
        }
        // HAPI kept the URL's id and answered 200, so the client believed a change that was dropped.
        String id = stored.getIdElement().getIdPart();
        String patchedId = patched.getIdElement().getIdPart();
        if (patchedId != null && !patchedId.equals(id)) {
            throw new InvalidRequestException("The patch changes the resource's id from " + id + " to " + patchedId
                    + "; an id cannot change. To store the resource under another id, PUT it there.");
        }
    }

    /** HAPI hands the parsed body to its patch method without checking its type, which then fails to be called. */
    @Hook(value = Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION, order = -10)
    public BaseServerResponseException bodyIsNoParameters(RequestDetails request) {
        IBaseResource body = request.getResource();
        if (request.getRequestType() != RequestTypeEnum.PATCH || body == null || body instanceof IBaseParameters) {
            return null;
        }
        return new InvalidRequestException("A FHIRPath Patch body is a Parameters resource of operations; this one is "
                + "a " + body.fhirType() + ". To send a whole resource, use PUT.");
    }

    private static InvalidRequestException cannotApply(Exception failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        // HAPI's patch code fails with Java's own faults on a name FHIR does not define (an "add" of "colour"); their
        // messages speak of its classes, not of the patch.
        boolean javaFault = cause instanceof NullPointerException || cause instanceof ClassCastException
                || cause instanceof IndexOutOfBoundsException || cause.getMessage() == null;
        // Java's reflection refusing a value of another type ("Can not set ... DateType field ... to StringType").
        boolean wrongType = cause instanceof IllegalArgumentException && cause.getMessage() != null
                && cause.getMessage().startsWith("Can not set ");
        String reason = javaFault
                ? "an operation names an element, a type or a position that FHIR R4 or this resource does not have; "
                        + "check each operation's path, name and value"
                : wrongType ? "an operation's value is of a type the element does not take (e.g. valueString for a "
                        + "date); send the value[x] of the element's type" : cause.getMessage();
        return new InvalidRequestException("The patch cannot be applied to this resource: " + reason + ".");
    }
}
