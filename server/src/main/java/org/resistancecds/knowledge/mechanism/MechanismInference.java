package org.resistancecds.knowledge.mechanism;

import java.util.List;
import org.resistancecds.knowledge.MechanismFinding;
import org.resistancecds.knowledge.record.GenomicVariant;

/**
 * The mechanisms inferred for one record.
 *
 * @param mechanisms per mechanism, strongest first
 * @param contributions the per-finding support behind them
 * @param germline variants in mapped genes left out because they are germline
 * @param notes findings that did not count, and why
 */
public record MechanismInference(
        List<MechanismFinding> mechanisms,
        List<Contribution> contributions,
        List<GenomicVariant> germline,
        List<String> notes) {

    public List<Contribution> contributionsTo(String mechanism) {
        return contributions.stream().filter(c -> c.mechanism().equals(mechanism)).toList();
    }
}
