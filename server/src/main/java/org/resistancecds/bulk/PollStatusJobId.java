package org.resistancecds.bulk;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.model.util.JpaConstants;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.provider.ProviderConstants;
import java.util.Optional;
import java.util.Set;
import org.resistancecds.config.OperationBody;

/**
 * Refuses a bulk status poll that names no job with a 400 saying what is missing. HAPI 8.8.0 assumes the id is
 * there: {@code GET $export-poll-status} without {@code _jobId}, and {@code $import-poll-status} without it in any
 * form, failed with a NullPointerException (a 500 and an error in the log).
 */
public class PollStatusJobId {

    private static final Set<String> POLL_OPERATIONS =
            Set.of(ProviderConstants.OPERATION_EXPORT_POLL_STATUS, JpaConstants.OPERATION_IMPORT_POLL_STATUS);
    private static final String JOB_ID = JpaConstants.PARAM_EXPORT_POLL_STATUS_JOB_ID;

    private final FhirContext context;

    public PollStatusJobId(FhirContext context) {
        this.context = context;
    }

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
    public void requireJobId(RequestDetails request) {
        String operation = request.getOperation();
        if (operation == null || !POLL_OPERATIONS.contains(operation) || named(request, context).isPresent()) {
            return;
        }
        throw new InvalidRequestException(operation + " needs the id of the job to report on, as " + JOB_ID
                + "=<id>: the kick-off's answer gives the whole status URL in its Content-Location header");
    }

    /** The job a poll names, in the query or in a Parameters body. */
    public static Optional<String> named(RequestDetails request, FhirContext context) {
        return OperationBody.value(request, context, JOB_ID);
    }
}
