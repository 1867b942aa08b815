package org.resistancecds.config;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IBaseBundle;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryRequestComponent;
import org.hl7.fhir.r4.model.IdType;

/**
 * {@code request.ifMatch} in transaction and batch entries, as {@link MalformedRequestFilter} and
 * {@link IfMatchVersionCheck} treat the header on single requests: a value that names no version is a 400 (HAPI
 * answered 500), and an entry whose version is not the current one is a 412 (HAPI answered 409 for PUT and PATCH,
 * deleted regardless, and ignored ifMatch on a conditional PUT). A PUT or PATCH that would create (nothing at its id,
 * a conditional URL matching nothing) is a 412 too: no version of it exists. The versions are compared where HAPI
 * stores each entry, after the token's rules have allowed it, so a 412 tells nothing of data the caller may not
 * see; a conditional URL is matched by HAPI, within the caller's reach. ifMatch on a conditional PATCH entry is
 * refused (400). HAPI runs each batch entry as a transaction of one, so a refused batch entry fails alone.
 */
public class TransactionIfMatchCheck {

    private static final int AFTER_AUTHORIZATION = IfMatchVersionCheck.AFTER_AUTHORIZATION;
    private static final String EXPECTED = TransactionIfMatchCheck.class.getName() + ".expected";

    /** The versions a transaction's entries expect: by the id their URL names, by a conditional PUT's resource. */
    private record Expected(Map<String, Expectation> byId, Map<IBaseResource, Expectation> byResource) {}

    private record Expectation(String entryName, String version) {}

    @Hook(Pointcut.STORAGE_TRANSACTION_PROCESSING)
    public void readExpectations(IBaseBundle bundle, RequestDetails request) {
        // A batch is checked entry by entry, in the one-entry transactions HAPI runs for it.
        if (request == null || !(bundle instanceof Bundle transaction)
                || transaction.getType() != Bundle.BundleType.TRANSACTION) {
            return;
        }
        Expected expected = new Expected(new HashMap<>(), new IdentityHashMap<>());
        for (Bundle.BundleEntryComponent entry : transaction.getEntry()) {
            BundleEntryRequestComponent entryRequest = entry.getRequest();
            Bundle.HTTPVerb method = entryRequest.getMethod();
            if (!entryRequest.hasIfMatch()) {
                continue;
            }
            String entryName = "entry " + (method == null ? "" : method.toCode() + " ") + entryRequest.getUrl();
            String version = ConditionalHeaders.parseVersion(entryRequest.getIfMatch())
                    .orElseThrow(() -> new InvalidRequestException(
                            entryName + ": " + ConditionalHeaders.malformed(entryRequest.getIfMatch())));
            if (method != Bundle.HTTPVerb.DELETE && method != Bundle.HTTPVerb.PUT && method != Bundle.HTTPVerb.PATCH) {
                continue;
            }
            String url = EntryUrls.relative(entryRequest.getUrl());
            if (url == null) {
                continue;
            }
            Expectation expectation = new Expectation(entryName, version);
            if (url.contains("?")) {
                if (method == Bundle.HTTPVerb.DELETE) {
                    throw new InvalidRequestException(
                            entryName + ": ifMatch" + ConditionalHeaders.NOT_WITH_CONDITIONAL_DELETE);
                }
                // A conditional PATCH's result is a new object, which no hook can tie to its entry before storage:
                // refused, rather than the precondition silently dropped.
                if (method == Bundle.HTTPVerb.PATCH) {
                    throw new InvalidRequestException(entryName + ": ifMatch is not supported on a conditional "
                            + "PATCH entry. Send the PATCH to the resource's id (Type/id) with ifMatch, or use a "
                            + "conditional PUT.");
                }
                // HAPI stores a conditional PUT's own resource object, so the version is checked when that is.
                if (entry.getResource() != null) {
                    expected.byResource().put(entry.getResource(), expectation);
                }
                continue;
            }
            IdType id = new IdType(url);
            if (id.hasResourceType() && id.hasIdPart()) {
                expected.byId().put(key(id), expectation);
            }
        }
        request.getUserData().put(EXPECTED, expected);
    }

    @Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED, order = AFTER_AUTHORIZATION)
    public void updating(IBaseResource previous, IBaseResource updated, RequestDetails request) {
        Expectation expectation = expectation(request, updated, previous);
        String current = previous.getIdElement().getVersionIdPart();
        if (expectation != null && !expectation.version().equals(current)) {
            throw new PreconditionFailedException(expectation.entryName() + ": ifMatch names version "
                    + expectation.version() + ", but the current version is " + current + ": nothing was changed.");
        }
    }

    @Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED, order = AFTER_AUTHORIZATION)
    public void creating(IBaseResource created, RequestDetails request) {
        Expectation expectation = expectation(request, created, created);
        if (expectation != null) {
            throw new PreconditionFailedException(expectation.entryName() + ": ifMatch names version "
                    + expectation.version() + ", but no resource matches: nothing was created.");
        }
    }

    @Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_DELETED, order = AFTER_AUTHORIZATION)
    public void deleting(IBaseResource current, RequestDetails request) {
        Expectation expectation = expectation(request, null, current);
        String version = current.getIdElement().getVersionIdPart();
        if (expectation != null && !expectation.version().equals(version)) {
            throw new PreconditionFailedException(expectation.entryName() + ": ifMatch names version "
                    + expectation.version() + ", but the current version is " + version + ": nothing was deleted.");
        }
    }

    /** Other writes of the same request (a retried transaction, a write after it) are not held to these. */
    @Hook(Pointcut.STORAGE_TRANSACTION_PROCESSED)
    public void forgetExpectations(RequestDetails request) {
        if (request != null) {
            request.getUserData().remove(EXPECTED);
        }
    }

    private static Expectation expectation(RequestDetails request, IBaseResource sent, IBaseResource stored) {
        if (request == null || !(request.getUserData().get(EXPECTED) instanceof Expected expected)) {
            return null;
        }
        Expectation bySent = sent == null ? null : expected.byResource().get(sent);
        return bySent != null ? bySent : expected.byId().get(key(stored.getIdElement()));
    }

    private static String key(org.hl7.fhir.instance.model.api.IIdType id) {
        return id.getResourceType() + "/" + id.getIdPart();
    }
}
