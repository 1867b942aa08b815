package org.resistancecds.security;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.api.server.ResponseDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.Test;

class ErrorSanitizingInterceptorTest {

    private final ErrorSanitizingInterceptor interceptor = new ErrorSanitizingInterceptor();

    @Test
    void aServerFaultInABatchEntryKeepsItsStatusButNotItsInternals() {
        Bundle answer = new Bundle().setType(Bundle.BundleType.BATCHRESPONSE);
        entry(answer, "500 Internal Server Error", "org.springframework.dao.DataAccessException: bad SQL near WHERE");
        entry(answer, "400 Bad Request", "Patient.name: unknown element");
        entry(answer, "503 Service Unavailable", "The server cannot reach its database at the moment.");

        assertThat(interceptor.sanitizeEntries(new SystemRequestDetails(), new ResponseDetails(answer))).isTrue();

        assertThat(answer.getEntry().get(0).getResponse().getStatus()).startsWith("500");
        assertThat(diagnostics(answer, 0)).contains("Incident").doesNotContain("org.springframework", "SQL");
        assertThat(diagnostics(answer, 1)).isEqualTo("Patient.name: unknown element");
        assertThat(diagnostics(answer, 2)).isEqualTo("The server cannot reach its database at the moment.");
    }

    @Test
    void otherBundlesAreLeftAlone() {
        Bundle searchset = new Bundle().setType(Bundle.BundleType.SEARCHSET);
        entry(searchset, "500 Internal Server Error", "java.lang.IllegalStateException");

        interceptor.sanitizeEntries(new SystemRequestDetails(), new ResponseDetails(searchset));

        assertThat(diagnostics(searchset, 0)).isEqualTo("java.lang.IllegalStateException");
    }

    private static void entry(Bundle bundle, String status, String diagnostics) {
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR).setDiagnostics(diagnostics);
        bundle.addEntry().getResponse().setStatus(status).setOutcome(outcome);
    }

    private static String diagnostics(Bundle bundle, int entry) {
        return ((OperationOutcome) bundle.getEntry().get(entry).getResponse().getOutcome())
                .getIssueFirstRep().getDiagnostics();
    }
}
