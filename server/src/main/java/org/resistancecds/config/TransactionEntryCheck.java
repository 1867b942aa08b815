package org.resistancecds.config;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException;
import ca.uhn.fhir.util.UrlUtil;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.hl7.fhir.instance.model.api.IBaseBundle;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;

/**
 * Transaction and batch entries get the checks the same request gets on its own, which HAPI skipped inside a
 * Bundle: a read whose search breaks {@link SearchSyntax}, a POST or PUT whose resource is not of the type its URL
 * names (HAPI stored it under its own type), and a PUT whose resource names another id than its URL (HAPI stored it
 * under the URL's id) are 400. A transaction that writes one resource in two entries is 400 too, as FHIR's
 * transaction rules require (HAPI ran both, in an order the client cannot rely on), also when an entry reaches it by
 * a conditional URL ("including resolved identities from conditional update/delete"): HAPI ran {@code PUT Patient/a}
 * and {@code PUT Patient?identifier=...} matching it both, acknowledged both, and kept one. A read entry by id of a
 * resource not there fails the whole transaction (HAPI answered the entry 404 and committed the rest). Batch entries
 * are checked one by one, in the one-entry transactions HAPI runs, and fail alone. A Bundle with no type is 400 (HAPI
 * ran it as a transaction).
 */
public class TransactionEntryCheck {

    /** What the store holds now. */
    public interface Storage {
        /** The resources a conditional URL ({@code Patient?identifier=...}) matches, as {@code Patient/123}. */
        List<String> matches(String url, RequestDetails request);

        /** Reads {@code Type/id} or {@code Type/id/_history/v}; throws as a read of it would (404, 410). */
        void read(String url, RequestDetails request);
    }

    /** A read entry by id, which FHIR has fail the transaction when it fails (HAPI answered it 404 and committed). */
    private static final Pattern READ_BY_ID = Pattern.compile("[A-Z][A-Za-z]+/[A-Za-z0-9.-]{1,64}(/_history/[^/?]+)?");

    private final SearchSyntax searchSyntax;
    private final Storage storage;

    public TransactionEntryCheck(FhirContext fhirContext, SearchSyntax.Parameters parameters, Storage storage) {
        this.searchSyntax = new SearchSyntax(fhirContext, parameters);
        this.storage = storage;
    }

    @Hook(Pointcut.STORAGE_TRANSACTION_PROCESSING)
    public void check(IBaseBundle bundle, RequestDetails request) {
        if (bundle instanceof Bundle untyped && untyped.getType() == null) {
            // HAPI ran it as a transaction, guessing what the client meant.
            throw new InvalidRequestException("The Bundle has no type (Bundle.type is required): send a transaction "
                    + "or a batch.");
        }
        if (!(bundle instanceof Bundle transaction) || transaction.getType() != Bundle.BundleType.TRANSACTION) {
            return;
        }
        Map<String, String> written = new HashMap<>();
        Map<String, String> conditional = new LinkedHashMap<>();
        Map<String, String> reads = new LinkedHashMap<>();
        for (int index = 0; index < transaction.getEntry().size(); index++) {
            BundleEntryComponent entry = transaction.getEntry().get(index);
            HTTPVerb method = entry.getRequest().getMethod();
            String url = EntryUrls.relative(entry.getRequest().getUrl());
            if (method == null || url == null) {
                continue;
            }
            // A HEAD entry runs as a GET (HeadEntriesAsGet) but is named as the client sent it.
            String sent = HeadEntriesAsGet.wasHead(request, index) ? "HEAD" : method.toCode();
            String name = "entry " + sent + " " + entry.getRequest().getUrl();
            // A conditional write's URL is a search too, as is ifNoneExist.
            checkSearch(name, url);
            String ifNoneExist = entry.getRequest().getIfNoneExist();
            if (method == HTTPVerb.POST && ifNoneExist != null && !ifNoneExist.isBlank()) {
                String type = url.split("[/?]", 2)[0];
                checkSearch(name + " (ifNoneExist)", type + "?" + ifNoneExist.substring(ifNoneExist.indexOf('?') + 1));
            }
            if ((method == HTTPVerb.POST || method == HTTPVerb.PUT) && entry.getResource() != null) {
                checkResource(name, method, url, entry.getResource());
            }
            if ((method == HTTPVerb.GET || method == HTTPVerb.HEAD) && READ_BY_ID.matcher(url).matches()) {
                reads.put(url, name);
            }
            boolean changes = method != HTTPVerb.GET && method != HTTPVerb.HEAD && method != HTTPVerb.POST;
            // A URL naming a urn:uuid placeholder is resolved by HAPI as it runs; it cannot be matched before.
            if (changes && url.contains("?") && !url.contains("urn:uuid:") && !url.contains("urn:oid:")) {
                conditional.put(url, name);
            }
            if (changes && !url.contains("?")) {
                IdType target = new IdType(url).toUnqualifiedVersionless();
                String earlier = written.putIfAbsent(target.getValue(), name);
                if (earlier != null) {
                    throw new InvalidRequestException(name + ": this transaction already changes " + target.getValue()
                            + " in its " + earlier + ". A transaction may change a resource in one entry only.");
                }
            }
        }
        if (written.size() + conditional.size() >= 2) {
            conditional.forEach((url, name) -> {
                for (String target : storage.matches(url, request)) {
                    String earlier = written.putIfAbsent(target, name);
                    if (earlier != null) {
                        throw new InvalidRequestException(name + ": its URL matches " + target + ", which this "
                                + "transaction also changes in its " + earlier + ". A transaction may change a "
                                + "resource in one entry only; nothing was stored.");
                    }
                }
            });
        }
        // A batch's entries, run here one by one, fail alone. A resource this transaction changes is read after the
        // change, so it cannot be checked before.
        boolean batch = request != null && request.getResource() instanceof Bundle outer
                && outer.getType() == Bundle.BundleType.BATCH;
        reads.forEach((url, name) -> {
            if (!batch && !written.containsKey(new IdType(url).toUnqualifiedVersionless().getValue())) {
                try {
                    storage.read(url, request);
                } catch (BaseServerResponseException failed) {
                    throw new UnclassifiedServerFailureException(failed.getStatusCode(), name + ": "
                            + sentence(failed.getMessage()) + " A transaction fails when any entry fails; nothing "
                            + "was stored.");
                }
            }
        });
    }

    /** HAPI's message, ended as a sentence: its 404 ("... is not known") has no full stop. */
    private static String sentence(String message) {
        return message == null || message.endsWith(".") ? message : message + ".";
    }

    private void checkSearch(String name, String url) {
        int query = url.indexOf('?');
        if (query < 0) {
            return;
        }
        Map<String, String[]> parameters;
        try {
            parameters = UrlUtil.parseQueryString(url.substring(query + 1));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(name + ": the query is not valid percent-encoding (" + e.getMessage()
                    + "); encode % as %25.");
        }
        // Parameters are a type's only on its own URL or _search; elsewhere (an operation's) the type is not given.
        String fault = searchSyntax.fault(SearchSyntax.searchedType(url.substring(0, query)), parameters);
        if (fault != null) {
            throw new InvalidRequestException(name + ": " + fault);
        }
    }

    private static void checkResource(String name, HTTPVerb method, String url, Resource resource) {
        String urlType = url.split("[/?]", 2)[0];
        if (!urlType.equals(resource.fhirType())) {
            throw new InvalidRequestException(name + ": the URL names " + urlType + ", but the resource is a "
                    + resource.fhirType() + ".");
        }
        if (method != HTTPVerb.PUT || url.contains("?")) {
            return;
        }
        IdType urlId = new IdType(url);
        IdType bodyId = resource.getIdElement();
        // An id taken from a urn:uuid fullUrl is a placeholder, not the client naming another resource.
        if (urlId.hasIdPart() && bodyId.hasIdPart() && !bodyId.isUrn()
                && !bodyId.getIdPart().equals(urlId.getIdPart())) {
            throw new InvalidRequestException(name + ": the resource's id (or, without one, its fullUrl's) is '"
                    + bodyId.getIdPart() + "', but the URL names " + urlId.getIdPart() + ". Give the same id in both, "
                    + "or leave it out of the resource.");
        }
    }
}
