package org.resistancecds.conformance;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.model.DaoMethodOutcome;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Installs the repository's conformance content at start, before the server reports ready.
 * Ids come from file names, and HAPI keeps an unchanged resource at its version, so restarts are idempotent.
 */
@Component
@Order(0)
public class ContentInstaller implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(ContentInstaller.class);

    private final ContentReader reader;
    private final DaoRegistry daoRegistry;
    private final ContentProperties properties;
    private final AtomicBoolean installed = new AtomicBoolean();

    public ContentInstaller(FhirContext fhirContext, DaoRegistry daoRegistry, ContentProperties properties) {
        this.reader = new ContentReader(fhirContext);
        this.daoRegistry = daoRegistry;
        this.properties = properties;
    }

    @Override
    public void run(ApplicationArguments args) {
        long start = System.nanoTime();
        List<String> folders = new ArrayList<>(properties.folders());
        if (properties.loadExamples()) {
            folders.add("examples/valid");
        }
        // Read everything first: a broken file stops start-up before anything is written.
        List<ContentFile> files = new ArrayList<>();
        for (String folder : folders) {
            files.addAll(reader.read(folder));
        }
        Map<String, Integer> countsByType = new TreeMap<>();
        int changed = 0;
        for (ContentFile file : files) {
            if (install(file)) {
                changed++;
            }
            countsByType.merge(file.resourceType(), 1, Integer::sum);
        }
        installed.set(true);
        log.info("Installed conformance content from {}: {} resources {} ({} new or changed) in {} ms",
                folders, files.size(), countsByType, changed, (System.nanoTime() - start) / 1_000_000);
    }

    private boolean install(ContentFile file) {
        try {
            DaoMethodOutcome outcome =
                    daoRegistry.getResourceDao(file.resourceType()).update(file.resource(), new SystemRequestDetails());
            return !outcome.isNop();
        } catch (RuntimeException e) {
            throw new ContentLoadException(file.location() + ": could not be stored: " + e.getMessage(), e);
        }
    }

    /** True once every content folder is stored. */
    public boolean isInstalled() {
        return installed.get();
    }
}
