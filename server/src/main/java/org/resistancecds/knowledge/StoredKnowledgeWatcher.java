package org.resistancecds.knowledge;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;

/**
 * Keeps the engine in step with the knowledge stored in the database, so that a PlanDefinition or ConceptMap
 * changed through the API of any node on a shared database is used by every node within one refresh interval.
 * Each check lists the knowledge resources' versions; only when that list changes is the knowledge compiled
 * again. Knowledge that does not compile is refused (logged, previous knowledge kept), as at start.
 */
public class StoredKnowledgeWatcher implements ApplicationRunner, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(StoredKnowledgeWatcher.class);

    private final FhirContext fhirContext;
    private final DaoRegistry daoRegistry;
    private final SwappableEvaluator evaluator;
    private final KnowledgeProperties properties;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "knowledge-watcher");
        thread.setDaemon(true);
        return thread;
    });
    private volatile List<String> versionsInForce;

    public StoredKnowledgeWatcher(FhirContext fhirContext, DaoRegistry daoRegistry, SwappableEvaluator evaluator,
            KnowledgeProperties properties) {
        this.fhirContext = fhirContext;
        this.daoRegistry = daoRegistry;
        this.evaluator = evaluator;
        this.properties = properties;
    }

    /**
     * Runs after the content installer. The engine started with the packaged files; the store may also hold knowledge
     * added through the API before this start, which the page shows and the first check, at once and off the start's
     * path, compiles with the rest (it was applied only after some later knowledge change).
     */
    @Override
    public void run(ApplicationArguments args) {
        if (properties.refreshInterval().isZero()) {
            log.info("Stored knowledge is not watched (resistance.knowledge.refresh-interval=0)");
            return;
        }
        long millis = properties.refreshInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::checkSafely, 0, millis, TimeUnit.MILLISECONDS);
        log.info("Watching stored knowledge every {}", properties.refreshInterval());
    }

    private void checkSafely() {
        try {
            check();
        } catch (RuntimeException e) {
            // Keep watching: a database hiccup must not stop later checks.
            log.warn("Could not check the stored knowledge: {}", e.toString());
        }
    }

    /** Compiles and swaps in the stored knowledge if it changed since the last check; true if swapped. */
    boolean check() {
        List<IBaseResource> stored = storedKnowledge();
        List<String> versions = versions(stored);
        if (versions.equals(versionsInForce)) {
            return false;
        }
        List<String> previous = versionsInForce;
        versionsInForce = versions;
        long start = System.nanoTime();
        try {
            evaluator.replace(new KnowledgeEvaluator(KnowledgeLoader.load(fhirContext, stored)));
        } catch (RuntimeException e) {
            log.error(previous == null
                    ? "The stored knowledge does not compile; the packaged knowledge stays in force: {}"
                    : "The stored knowledge changed but does not compile; the previous knowledge stays in force: {}",
                    e.getMessage());
            return false;
        }
        if (previous == null) {
            log.info("Knowledge compiled from the store ({} resources) in {} ms", versions.size(),
                    (System.nanoTime() - start) / 1_000_000);
            return true;
        }
        List<String> changed = new ArrayList<>(versions);
        changed.removeAll(previous);
        log.info("Knowledge reloaded from the store in {} ms; new or changed: {}",
                (System.nanoTime() - start) / 1_000_000, changed);
        return true;
    }

    private List<IBaseResource> storedKnowledge() {
        return StoredKnowledge.read(daoRegistry);
    }

    private static List<String> versions(List<IBaseResource> resources) {
        return resources.stream()
                .map(resource -> resource.getIdElement().toUnqualified().getValue())
                .sorted()
                .toList();
    }

    @Override
    public void destroy() {
        scheduler.shutdownNow();
    }
}
