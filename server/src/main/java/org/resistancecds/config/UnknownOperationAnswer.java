package org.resistancecds.config;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.method.BaseMethodBinding;
import ca.uhn.fhir.rest.server.method.OperationMethodBinding;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * An operation asked for where this server does not offer it says where it is offered, if anywhere. HAPI answered
 * "The FHIR endpoint on this server does not know how to handle POST operation[Patient/$meta-add] with parameters
 * [[]]", which does not tell a client that $meta-add works on one patient ({@code Patient/[id]/$meta-add}), or that
 * {@code $evaluate-resistance} is not an Observation operation.
 */
public class UnknownOperationAnswer {

    /** HAPI's message when no method binding matches the request. */
    static final String HAPI_NO_BINDING = "does not know how to handle";
    /** Places named in full; beyond them a count. */
    private static final int NAMED = 5;

    @Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
    public BaseServerResponseException whereOffered(RequestDetails request, Throwable failure) {
        String operation = request.getOperation();
        if (!(failure instanceof InvalidRequestException) || failure.getMessage() == null
                || !failure.getMessage().contains(HAPI_NO_BINDING) || operation == null
                || !(request.getServer() instanceof RestfulServer server)) {
            return null;
        }
        List<String> offered = offered(server, operation, request.getResourceName());
        String asked = request.getRequestType() + " " + request.getRequestPath();
        String text;
        if (offered.isEmpty()) {
            text = "This server has no operation " + operation + " (" + asked + "). GET [base]/metadata lists the "
                    + "operations it offers.";
        } else {
            int more = offered.size() - NAMED;
            text = operation + " is not offered where this request asks for it (" + asked + "). This server offers it "
                    + "at " + String.join(", ", offered.subList(0, Math.min(NAMED, offered.size())))
                    + (more > 0 ? " and " + more + " more places" : "") + ".";
        }
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue().setSeverity(IssueSeverity.ERROR).setCode(IssueType.NOTSUPPORTED).setDiagnostics(text);
        return new InvalidRequestException(text, outcome);
    }

    /** Where the operation is offered: on the type asked for first, then the server, then other types. */
    private static List<String> offered(RestfulServer server, String operation, String askedType) {
        List<String> sameType = new ArrayList<>();
        List<String> system = new ArrayList<>();
        List<String> otherTypes = new ArrayList<>();
        for (BaseMethodBinding binding : server.getServerBindings()) {
            if (binding instanceof OperationMethodBinding op && operation.equals(op.getName())
                    && op.isCanOperateAtServerLevel()) {
                system.add("[base]/" + operation);
            }
        }
        server.getResourceBindings().forEach(resource -> resource.getMethodBindings().forEach(binding -> {
            if (binding instanceof OperationMethodBinding op && operation.equals(op.getName())) {
                String type = resource.getResourceName();
                List<String> into = type.equals(askedType) ? sameType : otherTypes;
                if (op.isCanOperateAtTypeLevel()) {
                    into.add(type + "/" + operation);
                }
                if (op.isCanOperateAtInstanceLevel()) {
                    into.add(type + "/[id]/" + operation);
                }
            }
        }));
        return Stream.of(sameType, system, otherTypes).flatMap(List::stream).distinct().toList();
    }
}
