package org.resistancecds.knowledge;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The engine over the knowledge in force. A change of knowledge swaps the whole compiled engine at once, so an
 * evaluation runs on either the old knowledge or the new, never on a mix.
 */
public final class SwappableEvaluator implements ResistanceEvaluator {

    private final AtomicReference<ResistanceEvaluator> current;

    public SwappableEvaluator(ResistanceEvaluator initial) {
        this.current = new AtomicReference<>(initial);
    }

    @Override
    public Evaluation evaluate(EvaluationRequest request) {
        return current.get().evaluate(request);
    }

    public void replace(ResistanceEvaluator next) {
        current.set(next);
    }
}
