package org.resistancecds.config;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.util.Map;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * Gives a refusal's OperationOutcome the issue code its status means: HAPI said {@code processing} to everything, so a
 * client had to read the HTTP status, or the English, to tell a missing resource (404: {@code not-found}) from a lost
 * version race (409, 412: {@code conflict}). Only {@code processing} issues are changed; a validator's issues keep
 * their own codes. It runs after this server's other hooks on failures (order 100); HAPI stops at the first hook that
 * replaces the exception, so such a hook codes its replacement with {@link #coded(BaseServerResponseException)}.
 */
@Interceptor
public class IssueCodeByStatus {

    private static final Map<Integer, IssueType> CODES = Map.of(
            401, IssueType.LOGIN,
            403, IssueType.FORBIDDEN,
            404, IssueType.NOTFOUND,
            405, IssueType.NOTSUPPORTED,
            406, IssueType.NOTSUPPORTED,
            409, IssueType.CONFLICT,
            410, IssueType.DELETED,
            412, IssueType.CONFLICT,
            413, IssueType.TOOLONG,
            415, IssueType.NOTSUPPORTED);

    @Hook(value = Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION, order = 100)
    public BaseServerResponseException codeByStatus(Throwable failure) {
        if (failure instanceof BaseServerResponseException answer) {
            coded(answer);
        }
        return null;
    }

    /** The exception, its outcome's issues coded by its status: for a hook that replaces an exception HAPI threw. */
    public static <T extends BaseServerResponseException> T coded(T answer) {
        IssueType code = CODES.get(answer.getStatusCode());
        if (code == null) {
            return answer;
        }
        if (answer.getOperationOutcome() instanceof OperationOutcome outcome) {
            outcome.getIssue().stream()
                    .filter(issue -> !issue.hasCode() || issue.getCode() == IssueType.PROCESSING)
                    .forEach(issue -> issue.setCode(code));
        } else if (answer.getOperationOutcome() == null) {
            OperationOutcome outcome = new OperationOutcome();
            outcome.addIssue().setSeverity(IssueSeverity.ERROR).setCode(code).setDiagnostics(answer.getMessage());
            answer.setOperationOutcome(outcome);
        }
        return answer;
    }
}
