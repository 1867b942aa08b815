package org.resistancecds.bulk;

import ca.uhn.fhir.batch2.api.IJobMaintenanceService;
import ca.uhn.fhir.batch2.jobs.export.BulkDataExportProvider;
import ca.uhn.fhir.batch2.jobs.imprt.BulkDataImportProvider;
import ca.uhn.fhir.batch2.maintenance.JobMaintenanceServiceImpl;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import java.time.Duration;
import org.resistancecds.config.FhirRestfulServerConfig;
import org.resistancecds.config.FhirServerPlugin;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * FHIR Bulk Data on the FHIR endpoint: {@code $export} at system, Patient and Group level (NDJSON files kept as
 * Binary resources, polled at the Content-Location the kick-off answers with) and {@code $import} of NDJSON files
 * named by URL. Both run as HAPI Batch2 jobs on the in-process broker configured in {@code FhirJpaConfig}; the
 * providers are HAPI's beans, we only put them on the endpoint, with {@link PatientExportSince} for the
 * {@code _since} HAPI leaves out at Patient level.
 */
@Configuration
public class BulkDataConfig {

    @Bean
    public FilterRegistrationBean<PollStatusHeaders> pollStatusHeaders(
            @Value("${resistance.bulk.maintenance-interval:5s}") Duration maintenanceInterval) {
        return FhirRestfulServerConfig.filter(
                new PollStatusHeaders(maintenanceInterval), 20, FhirRestfulServerConfig.FHIR_PATH + "/*");
    }

    /** With the storage layer's interceptors, whose hooks see the import job's chunks and writes. */
    @Bean
    public ImportChunks importChunks(IInterceptorService storageInterceptors) {
        ImportChunks chunks = new ImportChunks();
        storageInterceptors.registerInterceptor(chunks);
        return chunks;
    }

    @Bean
    public FhirServerPlugin bulkDataPlugin(
            BulkDataExportProvider export,
            BulkDataImportProvider bulkImport,
            IJobMaintenanceService maintenance,
            FhirContext fhirContext,
            MatchUrlService matchUrls,
            @Value("${resistance.bulk.maintenance-interval:5s}") Duration maintenanceInterval) {
        // A job moves from one step to the next in a maintenance pass; HAPI's default of one pass a minute makes
        // a small export take minutes. A pass is a few indexed queries, cheap at a few seconds' interval.
        if (maintenance instanceof JobMaintenanceServiceImpl impl) {
            impl.setScheduledJobFrequencyMillis(maintenanceInterval.toMillis());
        }
        return server -> {
            server.registerProvider(export);
            server.registerProvider(bulkImport);
            server.registerInterceptor(new TypeFilterCheck(fhirContext, matchUrls));
            server.registerInterceptor(new PatientExportSince(fhirContext));
            server.registerInterceptor(new PollStatusJobId(fhirContext));
        };
    }
}
