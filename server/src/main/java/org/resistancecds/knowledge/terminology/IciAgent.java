package org.resistancecds.knowledge.terminology;

import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.Coding;

/**
 * An immune checkpoint inhibitor.
 *
 * @param name ingredient name, the agent's identity across code systems
 * @param targetGene HGNC id of the blocked checkpoint
 * @param targetSymbol its symbol (PDCD1, CD274, CTLA4)
 * @param codes every code known for the agent (RxNorm, ATC)
 */
public record IciAgent(String name, String targetGene, String targetSymbol, List<Coding> codes) {

    /** PD-1 (PDCD1) and PD-L1 (CD274): the blockade the resistance definitions are about. */
    private static final Set<String> PD1_AXIS = Set.of("HGNC:8760", "HGNC:17635");

    public IciAgent {
        codes = List.copyOf(codes);
    }

    public boolean blocksPd1Axis() {
        return PD1_AXIS.contains(targetGene);
    }
}
