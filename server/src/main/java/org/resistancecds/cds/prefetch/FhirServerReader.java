package org.resistancecds.cds.prefetch;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.resistancecds.cds.CdsHooksException;
import org.resistancecds.cds.PrefetchParseErrors;
import org.resistancecds.cds.request.FhirAuthorization;

/**
 * Reads prefetch queries from the client's FHIR server with the access token it granted. Searches are read
 * to the end through {@code next} links, but only on the same origin: the token never leaves it, and
 * redirects are not followed for the same reason.
 */
public final class FhirServerReader {

    private final FhirContext fhirContext;
    private final HttpClient http;
    private final Duration timeout;
    private final int maxPages;
    private final int maxResources;

    public FhirServerReader(FhirContext fhirContext, Duration timeout, int maxPages, int maxResources) {
        this.fhirContext = fhirContext;
        this.timeout = timeout;
        this.maxPages = maxPages;
        this.maxResources = maxResources;
        this.http = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** Starts reading one rendered query; the future fails with a {@link CdsHooksException} (412). */
    public CompletableFuture<IBaseResource> fetch(
            URI fhirServer, FhirAuthorization authorization, String key, String query) {
        URI first = URI.create(fhirServer + "/" + query);
        return get(first, authorization, key, query).thenCompose(resource -> {
            if (resource instanceof Bundle bundle) {
                return readRemainingPages(fhirServer, authorization, key, query, bundle, bundle, 1);
            }
            return CompletableFuture.completedFuture(resource);
        });
    }

    private CompletableFuture<IBaseResource> readRemainingPages(
            URI fhirServer, FhirAuthorization authorization, String key, String query, Bundle all, Bundle page,
            int pages) {
        Bundle.BundleLinkComponent next = page.getLink(Bundle.LINK_NEXT);
        if (next == null || !next.hasUrl()) {
            all.getLink().removeIf(link -> Bundle.LINK_NEXT.equals(link.getRelation()));
            return CompletableFuture.completedFuture(all);
        }
        URI nextUri = URI.create(next.getUrl());
        if (!nextUri.isAbsolute()) {
            nextUri = fhirServer.resolve(next.getUrl());
        }
        if (!sameOrigin(fhirServer, nextUri)) {
            return failed(key, query, "its next page is on another origin (" + nextUri.getHost()
                    + "); the access token is only sent to fhirServer");
        }
        if (pages >= maxPages) {
            return failed(key, query, "it has more than " + maxPages + " pages (resistance.cds.prefetch.max-pages)");
        }
        return get(nextUri, authorization, key, query).thenCompose(resource -> {
            if (!(resource instanceof Bundle nextPage)) {
                return failed(key, query, "a next page was not a Bundle");
            }
            if (all != nextPage) {
                nextPage.getEntry().forEach(all::addEntry);
            }
            if (all.getEntry().size() > maxResources) {
                return failed(key, query, "it has more than " + maxResources
                        + " resources (resistance.cds.prefetch.max-resources)");
            }
            return readRemainingPages(fhirServer, authorization, key, query, all, nextPage, pages + 1);
        });
    }

    private CompletableFuture<IBaseResource> get(URI uri, FhirAuthorization authorization, String key, String query) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Accept", "application/fhir+json")
                .GET();
        if (authorization != null) {
            request.header("Authorization", "Bearer " + authorization.accessToken());
        }
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofInputStream())
                .handle((response, error) -> {
                    if (error != null) {
                        Throwable cause = error instanceof CompletionException && error.getCause() != null
                                ? error.getCause()
                                : error;
                        throw failure(key, query, "fhirServer could not be reached (" + why(cause) + ")");
                    }
                    try (InputStream body = response.body()) {
                        if (response.statusCode() == 404 && !query.contains("?")) {
                            throw failure(key, query, "fhirServer has no such resource (404)");
                        }
                        if (response.statusCode() != 200) {
                            throw failure(key, query, "fhirServer answered HTTP " + response.statusCode());
                        }
                        IParser parser = fhirContext.newJsonParser();
                        parser.setParserErrorHandler(new PrefetchParseErrors());
                        return parser.parseResource(body);
                    } catch (DataFormatException e) {
                        throw failure(key, query,
                                "fhirServer's answer is not a FHIR R4 JSON resource: " + e.getMessage());
                    } catch (IOException e) {
                        throw failure(key, query, "fhirServer's answer is not a FHIR R4 JSON resource");
                    }
                });
    }

    private static String why(Throwable cause) {
        if (cause instanceof java.net.http.HttpTimeoutException) {
            return "timed out";
        }
        if (cause instanceof java.net.ConnectException
                && cause.getCause() instanceof java.nio.channels.UnresolvedAddressException) {
            return "unknown host";
        }
        if (cause instanceof java.net.ConnectException) {
            return "connection refused";
        }
        return "network error";
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme())
                && a.getHost().equalsIgnoreCase(b.getHost() == null ? "" : b.getHost())
                && LocalFhirServer.port(a) == LocalFhirServer.port(b);
    }

    private static CompletableFuture<IBaseResource> failed(String key, String query, String why) {
        return CompletableFuture.failedFuture(failure(key, query, why));
    }

    private static CdsHooksException failure(String key, String query, String why) {
        return CdsHooksException.preconditionFailed(
                PrefetchTemplate.notSent(List.of(key)) + ", and it could not be read from fhirServer ('" + query
                        + "'): " + why + ".");
    }
}
