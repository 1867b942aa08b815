package org.resistancecds.knowledge.timeline;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.hl7.fhir.r4.model.Resource;
import org.resistancecds.knowledge.Evaluation;
import org.resistancecds.knowledge.EvaluationRequest;
import org.resistancecds.knowledge.KnowledgeBase;
import org.resistancecds.knowledge.MechanismFinding;
import org.resistancecds.knowledge.ResistanceEvaluator;
import org.resistancecds.knowledge.record.GenomicVariant;
import org.resistancecds.knowledge.record.IciExposure;
import org.resistancecds.knowledge.record.PatientRecord;
import org.resistancecds.knowledge.record.PatientRecordReader;
import org.resistancecds.knowledge.record.ResponseAssessment;
import org.resistancecds.knowledge.record.VariantReader;
import org.resistancecds.knowledge.serial.SerialAnalysis;
import org.resistancecds.knowledge.serial.SerialVariantAnalyzer;

/**
 * Builds a patient's {@link Timeline}. Status changes are found by evaluating the record as it stood on every day
 * something happened (a dose period starting or ending, a response assessment, a variant result) and keeping the
 * days on which status or mechanisms differ from the previous one, so the history follows from the data and the
 * current knowledge, whether or not assessments were ever stored.
 */
public final class TimelineBuilder {

    private static final String TRIGGER = "evaluate-resistance";

    private final PatientRecordReader reader;
    private final SerialVariantAnalyzer serial;
    private final ResistanceEvaluator evaluator;

    public TimelineBuilder(KnowledgeBase knowledge, ResistanceEvaluator evaluator) {
        this.reader = new PatientRecordReader(knowledge.agents(), knowledge.responses(), new VariantReader(knowledge.genes()));
        this.serial = new SerialVariantAnalyzer(knowledge.serialCriteria());
        this.evaluator = evaluator;
    }

    public Timeline build(String patientId, List<Resource> resources, LocalDate asOf) {
        PatientRecord record = reader.read(patientId, resources, asOf);
        SerialAnalysis analysis = serial.analyze(record);

        TreeSet<LocalDate> days = new TreeSet<>();
        for (IciExposure exposure : record.exposures()) {
            days.add(exposure.start());
            if (!exposure.ongoing()) {
                days.add(exposure.end());
            }
        }
        record.assessments().stream().map(ResponseAssessment::date).forEach(days::add);
        record.variants().stream().map(GenomicVariant::date).filter(Objects::nonNull).forEach(days::add);
        record.absentVariants().stream().map(GenomicVariant::date).filter(Objects::nonNull).forEach(days::add);
        days.add(asOf);

        List<StatusChange> changes = new ArrayList<>();
        StatusChange previous = null;
        for (LocalDate day : days.headSet(asOf, true)) {
            Instant at = day.atStartOfDay().toInstant(ZoneOffset.UTC);
            Evaluation evaluation = evaluator.evaluate(new EvaluationRequest(patientId, TRIGGER, resources, List.of(), at));
            StatusChange change = change(day, evaluation, previous);
            if (previous == null || !previous.status().equals(change.status())
                    || !previous.mechanisms().equals(change.mechanisms())) {
                changes.add(change);
                previous = change;
            }
        }
        return new Timeline(patientId, asOf, analysis.anchor(), record.exposures(), record.assessments(),
                analysis.series(), changes);
    }

    private static StatusChange change(LocalDate day, Evaluation evaluation, StatusChange previous) {
        Map<String, String> mechanisms = new LinkedHashMap<>();
        Map<String, String> displays = new HashMap<>();
        List<String> reasons = new ArrayList<>(evaluation.status().reasons());
        for (MechanismFinding mechanism : evaluation.mechanisms()) {
            mechanisms.put(mechanism.code(), mechanism.confidence());
            displays.put(mechanism.code(), mechanism.display());
            if (previous == null || !mechanism.confidence().equals(previous.mechanisms().get(mechanism.code()))) {
                reasons.addAll(mechanism.reasons());
            }
        }
        if (previous != null) {
            previous.mechanisms().keySet().stream()
                    .filter(code -> !mechanisms.containsKey(code))
                    .forEach(code -> reasons.add(previous.mechanismDisplays().get(code) + ": no longer supported by the data."));
        }
        return new StatusChange(day, evaluation.status().code(), evaluation.status().display(), mechanisms, displays, reasons);
    }
}
