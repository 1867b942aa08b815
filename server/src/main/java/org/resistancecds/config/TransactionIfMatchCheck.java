package org.resistancecds.config;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseBundle;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryRequestComponent;
import org.hl7.fhir.r4.model.IdType;

/**
 * {@code request.ifMatch} in transaction and batch entries, as {@link MalformedRequestFilter} and
 * {@link IfMatchVersionCheck} treat the header on single requests: a value that names no version is a 400 (HAPI
 * answered 500), and an entry whose version is stale is a 412 (HAPI answered 409 for PUT and PATCH, and deleted
 * regardless). A conditional PUT or PATCH is checked against the resource its URL matches, and a PUT or PATCH that
 * matches none is a 412 (HAPI ignored ifMatch there and wrote). HAPI runs each batch entry as a transaction of one, so a refused batch entry fails alone.
 */
public class TransactionIfMatchCheck {

    private final DaoRegistry daoRegistry;
    private final MatchUrlService matchUrls;

    public TransactionIfMatchCheck(DaoRegistry daoRegistry, MatchUrlService matchUrls) {
        this.daoRegistry = daoRegistry;
        this.matchUrls = matchUrls;
    }

    @Hook(Pointcut.STORAGE_TRANSACTION_PROCESSING)
    public void check(IBaseBundle bundle) {
        // A batch is checked entry by entry, in the one-entry transactions HAPI runs for it.
        if (!(bundle instanceof Bundle transaction) || transaction.getType() != Bundle.BundleType.TRANSACTION) {
            return;
        }
        for (Bundle.BundleEntryComponent entry : transaction.getEntry()) {
            BundleEntryRequestComponent request = entry.getRequest();
            if (!request.hasIfMatch()) {
                continue;
            }
            String entryName = "entry " + request.getMethod().toCode() + " " + request.getUrl();
            String version = ConditionalHeaders.parseVersion(request.getIfMatch())
                    .orElseThrow(() -> new InvalidRequestException(
                            entryName + ": " + ConditionalHeaders.malformed(request.getIfMatch())));
            Bundle.HTTPVerb method = request.getMethod();
            if (method == Bundle.HTTPVerb.DELETE || method == Bundle.HTTPVerb.PUT || method == Bundle.HTTPVerb.PATCH) {
                checkVersion(entryName, method == Bundle.HTTPVerb.DELETE, request.getUrl(), version);
            }
        }
    }

    private void checkVersion(String entryName, boolean delete, String url, String version) {
        if (url == null) {
            return;
        }
        if (url.contains("?") && delete) {
            throw new InvalidRequestException(entryName + ": ifMatch" + ConditionalHeaders.NOT_WITH_CONDITIONAL_DELETE);
        }
        String type = url.split("[/?]", 2)[0];
        if (!daoRegistry.isResourceTypeSupported(type)) {
            return;
        }
        Optional<IBaseResource> current = url.contains("?") ? matched(type, url) : stored(url);
        if (current.isEmpty()) {
            if (!delete) {
                throw new PreconditionFailedException(entryName + ": ifMatch names version " + version
                        + ", but no resource matches: nothing was created.");
            }
            return;
        }
        String currentVersion = current.get().getIdElement().getVersionIdPart();
        if (!version.equals(currentVersion)) {
            throw new PreconditionFailedException(entryName + ": ifMatch names version " + version
                    + ", but the current version is " + currentVersion + ": nothing was "
                    + (delete ? "deleted" : "changed") + ".");
        }
    }

    private Optional<IBaseResource> stored(String url) {
        IdType id = new IdType(url);
        if (!id.hasIdPart()) {
            return Optional.empty();
        }
        try {
            return Optional.of(daoRegistry.getResourceDao(id.getResourceType())
                    .read(id.toUnqualifiedVersionless(), new SystemRequestDetails()));
        } catch (ResourceNotFoundException | ResourceGoneException e) {
            return Optional.empty();
        }
    }

    /** The one resource a conditional entry's URL matches; none when it matches none (several: HAPI's 412). */
    private Optional<IBaseResource> matched(String type, String url) {
        SearchParameterMap map = matchUrls.translateMatchUrl(url.substring(url.indexOf('?') + 1),
                daoRegistry.getFhirContext().getResourceDefinition(type));
        map.setLoadSynchronousUpTo(2);
        List<IBaseResource> found = daoRegistry.getResourceDao(type).searchForResources(map, new SystemRequestDetails());
        return found.size() == 1 ? Optional.of(found.get(0)) : Optional.empty();
    }
}
