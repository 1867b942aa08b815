package org.resistancecds.cds;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.resistancecds.knowledge.Evaluation;
import org.resistancecds.knowledge.EvaluationRequest;
import org.resistancecds.knowledge.ResistanceEvaluator;

/**
 * A test double of the engine: answers with a scripted evaluation and remembers what it was asked, so tests
 * can check which record (prefetched or fetched) reached the engine.
 */
public final class ScriptedEvaluator implements ResistanceEvaluator {

    private final AtomicReference<Function<EvaluationRequest, Evaluation>> script = new AtomicReference<>();
    private final List<EvaluationRequest> calls = new CopyOnWriteArrayList<>();

    public ScriptedEvaluator() {
        reset();
    }

    @Override
    public Evaluation evaluate(EvaluationRequest request) {
        calls.add(request);
        return script.get().apply(request);
    }

    /** The default answer: a mechanism with strategies for patient-view, order checks for the order hooks. */
    public void reset() {
        calls.clear();
        script.set(request -> request.trigger().equals("patient-view")
                ? FakeEvaluations.withMechanism()
                : FakeEvaluations.forOrders());
    }

    public void answer(Function<EvaluationRequest, Evaluation> answer) {
        script.set(answer);
    }

    public EvaluationRequest lastCall() {
        return calls.get(calls.size() - 1);
    }

    public int callCount() {
        return calls.size();
    }
}
