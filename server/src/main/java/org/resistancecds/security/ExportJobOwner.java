package org.resistancecds.security;

import ca.uhn.fhir.batch2.api.IJobCoordinator;
import ca.uhn.fhir.batch2.model.JobInstance;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.bulk.BulkExportJobParameters;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.provider.ProviderConstants;
import ca.uhn.fhir.util.Batch2JobDefinitionConstants;
import java.util.Optional;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Identifier;
import org.resistancecds.bulk.PollStatusJobId;

/**
 * Ties a Bulk Data export to the client that started it. HAPI lets any token that may export poll, cancel and
 * read the files of every job whose id it learns; the job is the kick-off client's, so its status, its
 * cancellation and its files are too. The client is kept with the job's parameters and on each file it writes
 * ({@code Binary.securityContext}); jobs started without a token (under {@code dev}) stay open to any caller.
 */
public final class ExportJobOwner {

    /** The identifier system of the exporting client on an export file's {@code securityContext}. */
    static final String CLIENT_SYSTEM = "https://resistance-cds.org/fhir/sid/bulk-export-client";
    private static final String USER_DATA_KEY = "resistanceCdsExporter";

    private final IJobCoordinator jobs;
    private final FhirContext context;

    public ExportJobOwner(IJobCoordinator jobs, FhirContext context) {
        this.jobs = jobs;
        this.context = context;
    }

    @Hook(Pointcut.STORAGE_INITIATE_BULK_EXPORT)
    public void kickOff(BulkExportJobParameters parameters, RequestDetails request) {
        clientOf(request).ifPresent(client -> {
            parameters.setUserData(USER_DATA_KEY, client);
            parameters.setBinarySecurityContextIdentifierSystem(CLIENT_SYSTEM);
            parameters.setBinarySecurityContextIdentifierValue(client);
        });
    }

    /** A poll or cancellation (DELETE) of another client's job finds no job, as an unknown id does. */
    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
    public void poll(RequestDetails request) {
        if (!ProviderConstants.OPERATION_EXPORT_POLL_STATUS.equals(request.getOperation())
                || SmartAuthorizationInterceptor.access(request) == null) {
            return;
        }
        Optional<String> jobId = PollStatusJobId.named(request, context);
        if (jobId.isEmpty()) {
            return;
        }
        Object exporter = exporter(jobId.get());
        if (exporter != null && !Optional.of(exporter).equals(clientOf(request))) {
            throw new ResourceNotFoundException("No Bulk Data export job " + jobId.get()
                    + " was started by this client.");
        }
    }

    /** True when the file was written for a client other than the caller's. */
    static boolean belongsToAnotherClient(Binary file, FhirAccess caller) {
        Identifier owner = file.getSecurityContext().getIdentifier();
        return CLIENT_SYSTEM.equals(owner.getSystem())
                && !Optional.ofNullable(owner.getValue()).equals(clientOf(caller));
    }

    private Object exporter(String jobId) {
        JobInstance job;
        try {
            job = jobs.getInstance(jobId);
        } catch (ResourceNotFoundException unknown) {
            return null;
        }
        if (!Batch2JobDefinitionConstants.BULK_EXPORT.equals(job.getJobDefinitionId())) {
            return null;
        }
        BulkExportJobParameters parameters = job.getParameters(BulkExportJobParameters.class);
        return parameters == null ? null : parameters.getUserData().get(USER_DATA_KEY);
    }

    private static Optional<String> clientOf(RequestDetails request) {
        FhirAccess access = SmartAuthorizationInterceptor.access(request);
        return access == null ? Optional.empty() : clientOf(access);
    }

    /** The OAuth client, else the subject: backend services' tokens name one or both. */
    private static Optional<String> clientOf(FhirAccess access) {
        if (access.client() != null) {
            return Optional.of("client/" + access.client());
        }
        return Optional.ofNullable(access.subject()).map(subject -> "subject/" + subject);
    }
}
