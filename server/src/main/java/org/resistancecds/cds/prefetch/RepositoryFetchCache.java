package org.resistancecds.cds.prefetch;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.resistancecds.storage.PatientCompartment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Keeps, for a short time, what this server's repository answered to a patient's prefetch queries, so the hooks
 * that follow one another on an open chart (patient-view, then order-select and order-sign as orders are written)
 * do not read the same record from the database again.
 *
 * <p>Freshness on this node: every write through HAPI's storage layer (REST, transactions, bulk import, the
 * re-evaluation's own results) drops the entries of the patients whose compartment the resource is in, before
 * and again after its commit; a write of a resource in no patient's compartment (a Medication, say) drops them
 * all. A read that overlapped any write is answered but not kept. Writes made on another node are not seen
 * here: there an entry lives at most {@code ttl}. Callers receive copies; the kept resources are never handed out.
 *
 * <p>Refresh ahead: an entry hit in the second half of its life is read again in the background while the hit is
 * answered from it, so a chart in use does not fall back to a database read for every caller at once when its
 * entry expires. An entry nobody asks for still expires after {@code ttl}.
 */
@Interceptor
public final class RepositoryFetchCache implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RepositoryFetchCache.class);

    private record Key(String patientId, String queries) {}

    private record Kept(Map<String, IBaseResource> resources, long loadedAt) {}

    private final FhirContext fhirContext;
    private final Cache<Key, Kept> entries;
    private final Ticker ticker;
    private final long refreshAfterNanos;
    private final Executor refresher;
    private final Set<Key> refreshing = ConcurrentHashMap.newKeySet();
    private long writes;

    /** A ttl of zero keeps nothing. */
    public RepositoryFetchCache(FhirContext fhirContext, Duration ttl, long maxResources) {
        this(fhirContext, ttl, maxResources, Ticker.systemTicker(), backgroundRefresher());
    }

    RepositoryFetchCache(FhirContext fhirContext, Duration ttl, long maxResources, Ticker ticker, Executor refresher) {
        this.fhirContext = fhirContext;
        this.ticker = ticker;
        this.refresher = refresher;
        this.refreshAfterNanos = ttl.toNanos() / 2;
        this.entries = ttl.isZero() ? null : Caffeine.newBuilder()
                .expireAfterWrite(ttl)
                .ticker(ticker)
                .maximumWeight(maxResources)
                .<Key, Kept>weigher((key, value) -> resourceCount(value.resources()))
                .build();
    }

    /** One thread; when a burst of refreshes outruns it, the surplus is dropped and those entries simply expire. */
    private static ExecutorService backgroundRefresher() {
        return new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(256), runnable -> {
            Thread thread = new Thread(runnable, "cds-prefetch-refresh");
            thread.setDaemon(true);
            return thread;
        });
    }

    public Map<String, IBaseResource> fetchAll(String patientId, Map<String, String> queries,
            Function<Map<String, String>, Map<String, IBaseResource>> reader) {
        if (entries == null || patientId == null) {
            return reader.apply(queries);
        }
        Key key = new Key(patientId, queries.toString());
        Kept kept = entries.getIfPresent(key);
        if (kept == null) {
            return load(key, queries, reader);
        }
        if (ticker.read() - kept.loadedAt() >= refreshAfterNanos) {
            refreshAhead(key, queries, reader);
        }
        return copies(kept.resources());
    }

    private Map<String, IBaseResource> load(
            Key key, Map<String, String> queries, Function<Map<String, String>, Map<String, IBaseResource>> reader) {
        long writesBefore;
        synchronized (this) {
            writesBefore = writes;
        }
        long loadedAt = ticker.read();
        Map<String, IBaseResource> fetched = reader.apply(queries);
        Map<String, IBaseResource> copy = copies(fetched);
        synchronized (this) {
            if (writes == writesBefore) {
                entries.put(key, new Kept(copy, loadedAt));
            }
        }
        return fetched;
    }

    private void refreshAhead(
            Key key, Map<String, String> queries, Function<Map<String, String>, Map<String, IBaseResource>> reader) {
        if (!refreshing.add(key)) {
            return;
        }
        try {
            refresher.execute(() -> {
                try {
                    load(key, queries, reader);
                } catch (RuntimeException e) {
                    // The record changed under us (say, deleted on another node): let the next caller read it and
                    // get the real answer.
                    entries.invalidate(key);
                    log.debug("Background refresh of the prefetch of patient {} failed: {}", key.patientId(),
                            e.getMessage());
                } finally {
                    refreshing.remove(key);
                }
            });
        } catch (RejectedExecutionException e) {
            refreshing.remove(key);
        }
    }

    @Override
    public void close() {
        if (refresher instanceof ExecutorService service) {
            service.shutdownNow();
        }
    }

    @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
    public void created(IBaseResource resource) {
        written(resource);
    }

    @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
    public void updated(IBaseResource oldResource, IBaseResource newResource) {
        written(oldResource);
        written(newResource);
    }

    @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED)
    public void deleted(IBaseResource resource) {
        written(resource);
    }

    void written(IBaseResource resource) {
        if (entries == null || resource == null) {
            return;
        }
        Set<String> patients = patientsOf(resource);
        forget(patients);
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    forget(patients);
                }
            });
        }
    }

    /** An empty set stands for every patient. */
    private synchronized void forget(Set<String> patients) {
        writes++;
        if (patients.isEmpty()) {
            entries.invalidateAll();
        } else {
            entries.asMap().keySet().removeIf(key -> patients.contains(key.patientId()));
        }
    }

    private Set<String> patientsOf(IBaseResource resource) {
        if (resource instanceof Patient patient) {
            return patient.getIdElement().hasIdPart() ? Set.of(patient.getIdElement().getIdPart()) : Set.of();
        }
        return PatientCompartment.owners(fhirContext, resource);
    }

    private static Map<String, IBaseResource> copies(Map<String, IBaseResource> resources) {
        Map<String, IBaseResource> copies = new LinkedHashMap<>();
        resources.forEach((key, resource) -> copies.put(key, resource == null ? null : ((Resource) resource).copy()));
        return copies;
    }

    private static int resourceCount(Map<String, IBaseResource> value) {
        int count = 0;
        for (IBaseResource resource : value.values()) {
            count += resource instanceof org.hl7.fhir.r4.model.Bundle bundle ? Math.max(1, bundle.getEntry().size()) : 1;
        }
        return count;
    }
}
