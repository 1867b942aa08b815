package org.resistancecds.cds.prefetch;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.resistancecds.cds.CdsHooksException;
import org.resistancecds.cds.CdsServiceDefinition;
import org.resistancecds.cds.request.HookRequest;

/**
 * Completes a call's prefetch: keeps what the client sent, and fetches every key that is missing, was sent as
 * {@code null} or as an OperationOutcome, or is a search page with more pages behind it. Missing data comes
 * from {@code fhirServer} (with {@code fhirAuthorization}), or from this server's repository when no
 * {@code fhirServer} was given or it is this server, as far as {@link RepositoryAccessPolicy} allows (checked on
 * every call; what the repository answered may come from {@link RepositoryFetchCache}), and only when the patient
 * is on this server. When it cannot be had the call fails with 412.
 */
public final class PrefetchResolver {

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
        URI fhirServer = request.fhirServer();
        if (fhirServer == null || local.isSelf(fhirServer)) {
            Map<String, String> queries = new LinkedHashMap<>();
            for (String key : missing) {
                queries.put(key, PrefetchTemplate.render(service.prefetch().get(key), request.context()));
            }
            RepositoryAccessPolicy.Grant grant = repositoryAccess.check(request, queries);
            String patientId = request.context().patientId();
            Map<String, IBaseResource> fetched =
                    repositoryCache.fetchAll(patientId, queries, keys -> repository.fetchAll(patientId, keys));
            repositoryAccess.checkResults(grant, fetched);
            byKey.putAll(fetched);
            return new PatientData(ordered(service, byKey), missing, "repository");
        }
        if (requireHttps && !"https".equalsIgnoreCase(fhirServer.getScheme()) && !LocalFhirServer.isLoopback(fhirServer)) {
            throw CdsHooksException.preconditionFailed("prefetch " + String.join(", ", missing)
                    + " was not sent, and fhirServer " + fhirServer + " is not https: this service sends access "
                    + "tokens to remote FHIR servers only over TLS (resistance.cds.prefetch.require-https).");
        }
        Map<String, CompletableFuture<IBaseResource>> reads = new LinkedHashMap<>();
        for (String key : missing) {
            String query = PrefetchTemplate.render(service.prefetch().get(key), request.context());
            reads.put(key, fhirServers.fetch(fhirServer, request.fhirAuthorization(), key, query));
        }
        for (Map.Entry<String, CompletableFuture<IBaseResource>> read : reads.entrySet()) {
            byKey.put(read.getKey(), join(read.getValue()));
        }
        return new PatientData(ordered(service, byKey), missing, fhirServer.toString());
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
