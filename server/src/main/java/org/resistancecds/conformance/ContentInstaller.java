package org.resistancecds.conformance;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.api.model.DaoMethodOutcome;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.hibernate.exception.ConstraintViolationException;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;

/**
 * Installs the repository's conformance content at start, before the server reports ready.
 * Ids come from file names, and HAPI keeps an unchanged resource at its version, so restarts are idempotent.
 */
@Component
@Order(0)
public class ContentInstaller implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(ContentInstaller.class);

    private static final String EXAMPLES = "examples/valid";
    private static final int MAX_ATTEMPTS = 5;

    private final ContentReader reader;
    private final FhirContext fhirContext;
    private final IFhirSystemDao<Bundle, Meta> systemDao;
    private final DaoRegistry daoRegistry;
    private final ContentProperties properties;
    /** The stored content files, once installed; null before. */
    private volatile List<ContentFile> installedFiles;

    public ContentInstaller(
            FhirContext fhirContext,
            DaoRegistry daoRegistry,
            IFhirSystemDao<Bundle, Meta> systemDao,
            ContentProperties properties) {
        this.reader = new ContentReader(fhirContext);
        this.fhirContext = fhirContext;
        this.systemDao = systemDao;
        this.daoRegistry = daoRegistry;
        this.properties = properties;
    }

    @Override
    public void run(ApplicationArguments args) {
        long start = System.nanoTime();
        // Read everything first: a broken file stops start-up before anything is written.
        List<ContentFile> files = new ArrayList<>();
        for (String folder : properties.folders()) {
            files.addAll(reader.read(folder));
        }
        files = PackagedSnapshots.fromClasspath(fhirContext).applyTo(files);
        List<ContentFile> examples = properties.loadExamples() ? exampleFiles() : List.of();
        Map<String, Integer> countsByType = new TreeMap<>();
        int changed = 0;
        for (ContentFile file : files) {
            if (install(file)) {
                changed++;
            }
            countsByType.merge(file.resourceType(), 1, Integer::sum);
        }
        if (!examples.isEmpty()) {
            installExamples(examples);
        }
        installedFiles = List.copyOf(files);
        log.info("Installed conformance content from {}: {} resources {} ({} new or changed){} in {} ms",
                properties.folders(), files.size(), countsByType, changed,
                examples.isEmpty() ? "" : " and " + examples.size() + " examples from " + EXAMPLES,
                (System.nanoTime() - start) / 1_000_000);
    }

    private boolean install(ContentFile file) {
        try {
            DaoMethodOutcome outcome = retryingConcurrentWrites(file.location(), () ->
                    daoRegistry.getResourceDao(file.resourceType()).update(file.resource(), new SystemRequestDetails()));
            return !outcome.isNop();
        } catch (RuntimeException e) {
            throw new ContentLoadException(file.location() + ": could not be stored: " + e.getMessage(), e);
        }
    }

    /** Examples refer to each other (derivedFrom, focus), so they go in as one transaction of updates. */
    private void installExamples(List<ContentFile> examples) {
        Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (ContentFile file : examples) {
            String id = file.resourceType() + "/" + file.resource().getIdElement().getIdPart();
            transaction.addEntry().setResource((Resource) file.resource())
                    .getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl(id);
        }
        try {
            retryingConcurrentWrites(EXAMPLES, () -> systemDao.transaction(new SystemRequestDetails(), transaction));
        } catch (RuntimeException e) {
            throw new ContentLoadException(EXAMPLES + ": could not be stored: " + e.getMessage(), e);
        }
    }

    /**
     * Nodes starting together on one database store the same content at the same moment; the loser of such a
     * race gets a version conflict or a unique-key violation. Trying again finds the winner's identical copy.
     */
    private static <T> T retryingConcurrentWrites(String what, Supplier<T> write) {
        for (int attempt = 1; ; attempt++) {
            try {
                return write.get();
            } catch (RuntimeException e) {
                if (attempt == MAX_ATTEMPTS || !isConcurrentWriteConflict(e)) {
                    throw e;
                }
                log.info("{}: another node stored it at the same time ({}); trying again", what, e.getClass().getSimpleName());
                sleepQuietly(ThreadLocalRandom.current().nextLong(50, 250L * attempt));
            }
        }
    }

    private static boolean isConcurrentWriteConflict(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            // HAPI's terminology store refuses a second CodeSystem, ValueSet or ConceptMap with the same canonical
            // URL; during a simultaneous start that "second" one is the other node's copy of the same file.
            if (cause instanceof UnprocessableEntityException
                    && String.valueOf(cause.getMessage()).contains("Can not create multiple")) {
                return true;
            }
            if (cause instanceof ResourceVersionConflictException
                    || cause instanceof DataIntegrityViolationException
                    || cause instanceof ConcurrencyFailureException
                    || cause instanceof ConstraintViolationException) {
                return true;
            }
        }
        return false;
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ContentLoadException("interrupted while installing content", e);
        }
    }

    /** True once every content folder is stored. */
    public boolean isInstalled() {
        return installedFiles != null;
    }

    /** The packaged valid examples, whether or not they are loaded: realistic instances of every profile. */
    public List<ContentFile> exampleFiles() {
        return reader.read(EXAMPLES);
    }

    /** The content files stored at start (not the examples), so later start-up steps need not read them again. */
    public List<ContentFile> installedFiles() {
        if (installedFiles == null) {
            throw new IllegalStateException("conformance content is not installed yet");
        }
        return installedFiles;
    }
}
