package org.resistancecds.cds.prefetch;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.Property;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.resistancecds.cds.CdsHooksException;
import org.resistancecds.cds.CdsServiceDefinition;
import org.resistancecds.cds.request.HookRequest;
import org.resistancecds.cds.request.PrefetchCheck;
import org.resistancecds.knowledge.record.MedicationConcepts;

/**
 * Completes a call's prefetch: keeps what the client sent, and fetches every key that is missing, was sent as
 * {@code null} or as an OperationOutcome, or is a search page with more pages behind it. A key sent as {@code null}
 * that cannot be fetched is taken as the client says, as having no data, when it is the only kind missing. Missing
 * data comes from {@code fhirServer} (with {@code fhirAuthorization}), or from this server's repository when no
 * {@code fhirServer} was given or it is this server, as far as {@link RepositoryAccessPolicy} allows (checked on
 * every call; what the repository answered may come from {@link RepositoryFetchCache}), and only when the patient
 * is on this server. When it cannot be had the call fails with 412.
 */
public final class PrefetchResolver {

    /** The key under which Medications that draft orders refer to, read for the call, are added to its data. */
    public static final String DRAFT_ORDER_MEDICATIONS = "draftOrderMedications";

    private final RepositoryReader repository;
    private final RepositoryFetchCache repositoryCache;
    private final RepositoryAccessPolicy repositoryAccess;
    private final FhirServerReader fhirServers;
    private final boolean requireHttps;

    public PrefetchResolver(
            RepositoryReader repository,
            RepositoryFetchCache repositoryCache,
            RepositoryAccessPolicy repositoryAccess,
            FhirServerReader fhirServers,
            boolean requireHttps) {
        this.repository = repository;
        this.repositoryCache = repositoryCache;
        this.repositoryAccess = repositoryAccess;
        this.fhirServers = fhirServers;
        this.requireHttps = requireHttps;
    }

    public PatientData resolve(CdsServiceDefinition service, HookRequest request, LocalFhirServer local) {
        return withDraftOrderMedications(resolvePrefetch(service, request, local), request, local);
    }

    private PatientData resolvePrefetch(CdsServiceDefinition service, HookRequest request, LocalFhirServer local) {
        try {
            return fetchMissing(service, request, local);
        } catch (CdsHooksException failed) {
            if (failed.status() != 412 || !onlyKeysWithoutData(service, request)) {
                throw failed;
            }
            // The client said it has no data for these keys (null) and they could not be read to make sure: its
            // word stands, as the specification reads null, rather than refusing a call it made correctly.
            Map<String, IBaseResource> byKey = new LinkedHashMap<>(request.prefetch());
            for (String key : request.nullPrefetch()) {
                if (PrefetchCheck.isSearch(service.prefetch().get(key))) {
                    byKey.put(key, new Bundle().setType(Bundle.BundleType.SEARCHSET).setTotal(0));
                }
            }
            return new PatientData(ordered(service, byKey), Set.of(), "request");
        }
    }

    /** Every key the client did not send usable is one it sent as {@code null}. */
    private static boolean onlyKeysWithoutData(CdsServiceDefinition service, HookRequest request) {
        return service.prefetch().keySet().stream()
                .allMatch(key -> request.prefetch().containsKey(key) && !isPartialPage(request.prefetch().get(key))
                        || request.nullPrefetch().contains(key));
    }

    private PatientData fetchMissing(CdsServiceDefinition service, HookRequest request, LocalFhirServer local) {
        Map<String, IBaseResource> byKey = new LinkedHashMap<>();
        Set<String> missing = new LinkedHashSet<>();
        for (String key : service.prefetch().keySet()) {
            IBaseResource sent = request.prefetch().get(key);
            if (sent == null || isPartialPage(sent)) {
                missing.add(key);
            } else {
                byKey.put(key, sent);
            }
        }
        if (missing.isEmpty()) {
            return new PatientData(byKey, Set.of(), "request");
        }
        Map<String, String> queries = new LinkedHashMap<>();
        for (String key : missing) {
            queries.put(key, PrefetchTemplate.render(service.prefetch().get(key), request.context()));
        }
        URI fhirServer = request.fhirServer();
        if (fhirServer == null || local.isSelf(fhirServer)) {
            RepositoryAccessPolicy.Grant grant = repositoryAccess.check(request, queries);
            String patientId = request.context().patientId();
            Map<String, IBaseResource> fetched =
                    repositoryCache.fetchAll(patientId, queries, keys -> repository.fetchAll(patientId, keys));
            repositoryAccess.checkResults(grant, fetched);
            byKey.putAll(fetched);
            return new PatientData(ordered(service, byKey), missing, "repository");
        }
        Map<String, IBaseResource> read = readRemote(fhirServer, request, queries, PrefetchTemplate.notSent(missing));
        // The EHR's server is held to what a client's prefetch is held to; its wrong answer is a 412, not a card.
        read.forEach((key, resource) -> PrefetchCheck.check(key, queries.get(key), resource,
                request.context().patientId(), why -> CdsHooksException.preconditionFailed(
                        PrefetchTemplate.notSent(List.of(key)) + ", and fhirServer's answer to '" + queries.get(key)
                        + "' cannot be used: " + why)));
        byKey.putAll(read);
        return new PatientData(ordered(service, byKey), missing, fhirServer.toString());
    }

    /**
     * Reads the queries from the EHR's fhirServer with its token, all at once; over TLS only, unless the server is
     * on loopback or {@code require-https} is off (412 naming {@code notSent} otherwise).
     */
    private Map<String, IBaseResource> readRemote(
            URI fhirServer, HookRequest request, Map<String, String> queries, String notSent) {
        if (requireHttps && !"https".equalsIgnoreCase(fhirServer.getScheme()) && !LocalFhirServer.isLoopback(fhirServer)) {
            throw CdsHooksException.preconditionFailed(notSent + ", and fhirServer " + fhirServer + " is not https: "
                    + "this service sends access tokens to remote FHIR servers only over TLS "
                    + "(resistance.cds.prefetch.require-https).");
        }
        Map<String, CompletableFuture<IBaseResource>> reads = new LinkedHashMap<>();
        queries.forEach((key, query) ->
                reads.put(key, fhirServers.fetch(fhirServer, request.fhirAuthorization(), key, query)));
        Map<String, IBaseResource> read = new LinkedHashMap<>();
        reads.forEach((key, future) -> read.put(key, join(future)));
        return read;
    }

    /**
     * A draft order may name its drug by a reference to a Medication that is neither contained, nor in the
     * draftOrders Bundle, nor in the prefetched record: each such Medication is read like missing prefetch (from
     * fhirServer, else this server's repository, under the same rules) and added under
     * {@link #DRAFT_ORDER_MEDICATIONS}, so the order checks see the drug however it was coded. One that cannot be
     * had fails the call with 412: the order could not be checked.
     */
    private PatientData withDraftOrderMedications(PatientData data, HookRequest request, LocalFhirServer local) {
        if (request.ordersInQuestion().isEmpty()) {
            return data; // patient-view: no orders, so nothing to resolve (and no need to unpack the whole record)
        }
        List<Resource> sent = new ArrayList<>(request.ordersInQuestion());
        sent.addAll(data.resources());
        MedicationConcepts resolvable = new MedicationConcepts(sent);
        Set<String> wanted = new LinkedHashSet<>();
        for (Resource order : request.ordersInQuestion()) {
            if (!(order instanceof DomainResource owner) || resolvable.of(owner).isPresent()) {
                continue;
            }
            Property medication = owner.getNamedProperty("medication[x]");
            if (medication != null && medication.hasValues() && medication.getValues().get(0) instanceof Reference reference
                    && reference.hasReference() && !reference.getReference().startsWith("#")) {
                wanted.add(medicationToRead(reference, request, local));
            }
        }
        if (wanted.isEmpty()) {
            return data;
        }
        Map<String, String> queries = new LinkedHashMap<>();
        int index = 0;
        for (String read : wanted) {
            queries.put(DRAFT_ORDER_MEDICATIONS + "[" + index++ + "]", read);
        }
        URI fhirServer = request.fhirServer();
        Map<String, IBaseResource> read;
        String source;
        if (fhirServer == null || local.isSelf(fhirServer)) {
            RepositoryAccessPolicy.Grant grant = repositoryAccess.check(request, queries);
            read = repository.fetchShared(queries);
            repositoryAccess.checkResults(grant, read);
            source = "repository";
        } else {
            read = readRemote(fhirServer, request, queries,
                    "draftOrders refer to " + String.join(", ", wanted) + ", which was not sent");
            source = fhirServer.toString();
        }
        Bundle medications = new Bundle().setType(Bundle.BundleType.COLLECTION);
        for (IBaseResource resource : read.values()) {
            if (!(resource instanceof Medication)) {
                throw CdsHooksException.preconditionFailed("draftOrders refer to a Medication, but reading it gave a "
                        + resource.fhirType() + ".");
            }
            medications.addEntry().setResource((Resource) resource);
        }
        Map<String, IBaseResource> byKey = new LinkedHashMap<>(data.byKey());
        byKey.put(DRAFT_ORDER_MEDICATIONS, medications);
        Set<String> fetched = new LinkedHashSet<>(data.fetched());
        fetched.add(DRAFT_ORDER_MEDICATIONS);
        return new PatientData(byKey, fetched, data.fetched().isEmpty() ? source : data.source());
    }

    /** {@code Medication/id} for a reference to a Medication where this call reads; 412 for anything else. */
    private static String medicationToRead(Reference reference, HookRequest request, LocalFhirServer local) {
        IdType id = new IdType(reference.getReference());
        boolean relative = !id.hasBaseUrl();
        boolean here = false;
        try {
            here = id.hasBaseUrl() && (request.fhirServer() == null
                    ? local.isSelf(URI.create(id.getBaseUrl()))
                    : LocalFhirServer.sameEndpoint(URI.create(id.getBaseUrl()), request.fhirServer()));
        } catch (IllegalArgumentException e) {
            // Not a URL at all: it names nothing this call can read.
        }
        if ("Medication".equals(id.getResourceType()) && id.hasIdPart() && (relative || here)) {
            return "Medication/" + id.getIdPart();
        }
        throw CdsHooksException.preconditionFailed("A draft order refers to its medication as '"
                + shorten(reference.getReference()) + "', which was not sent with the draft orders or the prefetch "
                + "and cannot be read here: the order could not be checked.");
    }

    private static String shorten(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }

    /** A search Bundle with a next link holds one page of the answer: deciding on it would miss data. */
    private static boolean isPartialPage(IBaseResource resource) {
        return resource instanceof Bundle bundle && bundle.getLink(Bundle.LINK_NEXT) != null;
    }

    private static Map<String, IBaseResource> ordered(CdsServiceDefinition service, Map<String, IBaseResource> byKey) {
        Map<String, IBaseResource> ordered = new LinkedHashMap<>();
        for (String key : service.prefetch().keySet()) {
            ordered.put(key, byKey.get(key));
        }
        return ordered;
    }

    private static IBaseResource join(CompletableFuture<IBaseResource> read) {
        try {
            return read.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof CdsHooksException cds) {
                throw cds;
            }
            throw CdsHooksException.preconditionFailed("A prefetch read from fhirServer failed.");
        }
    }
}
