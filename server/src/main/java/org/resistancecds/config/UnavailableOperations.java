package org.resistancecds.config;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.NotImplementedOperationException;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceOperationComponent;

/**
 * Operations HAPI's JPA providers declare but this server cannot perform, because they need a component it leaves
 * out: they answer 501 with the reason instead of a wrong result or a 500, and the CapabilityStatement does not
 * offer them. Expunge, switched off in {@link FhirJpaConfig}, already answers 405; it is only taken out of the
 * statement.
 */
public class UnavailableOperations {

    /**
     * HAPI's merge operations rewrite references across the store in batch jobs that need libraries this server
     * leaves out (they failed with a 500), and would rewrite the assessments the server maintains itself.
     */
    private static final String MERGE = "HAPI's merge and replace-references operations are not offered by this "
            + "server: they rewrite references across the store, including the resistance assessments it maintains "
            + "itself. Update the referring resources instead.";

    /** Operation (without {@code $}) to why it cannot run here. */
    static final Map<String, String> REFUSED = Map.of(
            "lastn", "Observation/$lastn needs an Elasticsearch index, which this server does not run; search "
                    + "Observation?patient=...&code=...&_sort=-date&_count=N for the latest results of a code.",
            "subsumes", "CodeSystem/$subsumes needs a full-text index of the code systems, which this server does not "
                    + "run; CodeSystem/$lookup and ValueSet/$expand answer from the stored code systems.",
            "reindex-terminology", "$reindex-terminology rebuilds a full-text index of the code systems, which this "
                    + "server does not run; the stored code systems need no reindexing to answer $lookup and $expand.",
            "hapi.fhir.merge", MERGE, "hapi.fhir.undo-merge", MERGE,
            "hapi.fhir.replace-references", MERGE, "hapi.fhir.undo-replace-references", MERGE);

    /** What the CapabilityStatement leaves out: the refused operations, and expunge. */
    private static final Set<String> NOT_OFFERED =
            Stream.concat(REFUSED.keySet().stream(), Stream.of("expunge")).collect(Collectors.toUnmodifiableSet());

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
    public void refuse(RequestDetails request) {
        String operation = request.getOperation();
        if (operation != null) {
            String reason = REFUSED.get(operation.startsWith("$") ? operation.substring(1) : operation);
            if (reason != null) {
                throw new NotImplementedOperationException(reason);
            }
        }
    }

    @Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
    public void leaveOut(IBaseConformance statement) {
        if (!(statement instanceof CapabilityStatement capabilities)) {
            return;
        }
        for (CapabilityStatementRestComponent rest : capabilities.getRest()) {
            rest.getOperation().removeIf(UnavailableOperations::notOffered);
            rest.getResource().forEach(resource -> resource.getOperation().removeIf(UnavailableOperations::notOffered));
        }
    }

    private static boolean notOffered(CapabilityStatementRestResourceOperationComponent operation) {
        String name = operation.getName();
        return name != null && NOT_OFFERED.contains(name.startsWith("$") ? name.substring(1) : name);
    }
}
