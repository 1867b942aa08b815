package org.resistancecds.knowledge;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.resistancecds.knowledge.mechanism.MechanismInference;
import org.resistancecds.knowledge.mechanism.MechanismInferrer;
import org.resistancecds.knowledge.mechanism.VariantInterpreter;
import org.resistancecds.knowledge.plan.ExpressionContext;
import org.resistancecds.knowledge.plan.PlanCompiler;
import org.resistancecds.knowledge.plan.PlanEngine;
import org.resistancecds.knowledge.plan.SuggestionContext;
import org.resistancecds.knowledge.record.GenomicVariant;
import org.resistancecds.knowledge.record.IciExposure;
import org.resistancecds.knowledge.record.MedicationConcepts;
import org.resistancecds.knowledge.record.PatientRecord;
import org.resistancecds.knowledge.record.PatientRecordReader;
import org.resistancecds.knowledge.record.References;
import org.resistancecds.knowledge.record.VariantReader;
import org.resistancecds.knowledge.serial.SerialAnalysis;
import org.resistancecds.knowledge.serial.SerialVariantAnalyzer;
import org.resistancecds.knowledge.serial.VariantDynamics;
import org.resistancecds.knowledge.serial.VariantSeries;
import org.resistancecds.knowledge.status.ResistanceClassifier;
import org.resistancecds.knowledge.terminology.IciAgentTable;
import org.resistancecds.knowledge.terminology.TerminologySystems;

/**
 * The engine (architecture steps 3 to 6): record, classification, mechanisms, then the PlanDefinitions, whose
 * FHIRPath conditions see the derived Observations as {@code %status} and {@code %mechanisms}. Stateless after
 * construction and safe to share between threads.
 */
public final class KnowledgeEvaluator implements ResistanceEvaluator {

    private final PatientRecordReader reader;
    private final ResistanceClassifier classifier;
    private final MechanismInferrer inferrer;
    private final PlanEngine plans;
    private final SerialVariantAnalyzer serial;
    private final Set<String> watchGenes;
    private final IciAgentTable agents;

    /** The engine as it answers patients: an action whose condition fails for one is left out, with a note. */
    public KnowledgeEvaluator(KnowledgeBase knowledge) {
        this(knowledge, false);
    }

    /** The engine as the knowledge write check tries it: a condition that fails for a patient fails the evaluation. */
    public static KnowledgeEvaluator strict(KnowledgeBase knowledge) {
        return new KnowledgeEvaluator(knowledge, true);
    }

    private KnowledgeEvaluator(KnowledgeBase knowledge, boolean strict) {
        this.agents = knowledge.agents();
        this.reader = new PatientRecordReader(agents, knowledge.responses(), new VariantReader(knowledge.genes()));
        this.classifier = new ResistanceClassifier(knowledge.criteria());
        this.inferrer = new MechanismInferrer(knowledge.genes(), knowledge.findings(),
                new VariantInterpreter(knowledge.variantEffects()), knowledge.dynamics());
        this.serial = new SerialVariantAnalyzer(knowledge.serialCriteria());
        this.watchGenes = knowledge.watchGenes();
        this.plans = new PlanEngine(knowledge.expressions(), knowledge.plans(), strict);
    }

    @Override
    public Evaluation evaluate(EvaluationRequest request) {
        if (!PlanCompiler.TRIGGERS.contains(request.trigger())) {
            throw new IllegalArgumentException("Unknown trigger " + request.trigger() + "; expected one of " + PlanCompiler.TRIGGERS);
        }
        if (request.patientId() == null || request.patientId().isBlank()) {
            throw new IllegalArgumentException("A patient id is required");
        }
        LocalDate asOf = LocalDate.ofInstant(request.asOf(), ZoneOffset.UTC);
        PatientRecord record = reader.read(request.patientId(), request.resources(), asOf);
        SerialAnalysis serialAnalysis = serial.analyze(record);
        StatusVerdict verdict = withSerialReasons(classifier.classify(record), serialAnalysis);
        MechanismInference inference = inferrer.infer(record, serialAnalysis);
        List<VariantSeries> watched = serialAnalysis.with(VariantDynamics.EMERGENT).stream()
                .filter(s -> s.geneCode() != null && watchGenes.contains(s.geneCode()))
                .toList();

        DateTimeType effective = DerivedObservations.dateTime(request.asOf());
        Map<String, String> typeByReference = new HashMap<>();
        request.resources().forEach(r -> typeByReference.put(References.of(r), r.fhirType()));
        Function<String, String> typeOf = ref -> typeByReference.getOrDefault(ref, ref.contains("/") ? ref.substring(0, ref.indexOf('/')) : null);
        String latestAssessment = record.assessments().isEmpty()
                ? null : record.assessments().get(record.assessments().size() - 1).source();
        Observation status = DerivedObservations.status(request.patientId(), verdict, effective, typeOf, latestAssessment);
        List<Observation> mechanisms = DerivedObservations.mechanisms(request.patientId(), inference, effective, typeOf);
        List<Observation> derived = new ArrayList<>();
        derived.add(status);
        derived.addAll(mechanisms);

        ExpressionContext context = context(request, record, inference, status, mechanisms, serialAnalysis, watched);
        SuggestionContext suggestions = new SuggestionContext(
                References.toPatient(request.patientId()), new Reference("Observation/" + status.getIdPart()), effective);
        List<OmittedRecommendation> omitted = new ArrayList<>();
        List<Recommendation> recommendations = plans.apply(request.trigger(), context, suggestions, omitted);

        List<String> notes = new ArrayList<>(record.notes());
        notes.addAll(inference.notes());
        omitted.forEach(o -> notes.add(o.note()));
        watched.forEach(s -> notes.add(s.label() + ": emergent under therapy in a gene the review names without a known "
                + "mechanism: a finding to watch."));
        return new Evaluation(
                verdict, inference.mechanisms(), recommendations, derived, notes, serialAnalysis, omitted);
    }

    /**
     * Emergent and pre-existing variants are part of the story of a verdict under exposure: they are added to its
     * reasons (the classification itself rests on the response course).
     */
    private static StatusVerdict withSerialReasons(StatusVerdict verdict, SerialAnalysis analysis) {
        List<String> extra = analysis.series().stream()
                .filter(s -> s.has(VariantDynamics.EMERGENT) || s.has(VariantDynamics.PRE_EXISTING))
                .flatMap(s -> s.reasons().stream().limit(1))
                .toList();
        if (extra.isEmpty()) {
            return verdict;
        }
        List<String> reasons = new ArrayList<>(verdict.reasons());
        extra.forEach(line -> reasons.add("Serial variant results: " + line));
        return new StatusVerdict(verdict.code(), verdict.display(), List.copyOf(reasons), verdict.evidence());
    }

    private static List<Base> latestDetections(List<VariantSeries> series, Map<String, Resource> byReference) {
        return series.stream()
                .flatMap(s -> s.latestDetected().stream())
                .map(p -> byReference.get(p.source()))
                .filter(r -> r != null)
                .map(r -> (Base) r)
                .toList();
    }

    /**
     * The drug each draft order names, as a CodeableConcept, however the order codes it: in the order, in a
     * Medication it contains, or in a Medication sent with the draft orders or in the record. So a condition on
     * the ordered drug need not care which form the EHR chose.
     */
    private static List<CodeableConcept> draftMedications(EvaluationRequest request) {
        List<Resource> medications = new ArrayList<>(request.draftOrders());
        medications.addAll(request.resources());
        MedicationConcepts concepts = new MedicationConcepts(medications);
        return request.draftOrders().stream()
                .filter(order -> order instanceof DomainResource)
                .flatMap(order -> concepts.of((DomainResource) order).stream())
                .toList();
    }

    /** The checkpoint each drafted ICI blocks, as its HGNC gene (ConceptMap ici-agent-target), by code or by name. */
    private List<Base> draftAgentTargets(List<CodeableConcept> drafted) {
        return drafted.stream()
                .flatMap(concept -> agents.find(concept).stream())
                .map(agent -> (Base) new Coding(TerminologySystems.HGNC, agent.targetGene(), agent.targetSymbol()))
                .toList();
    }

    /** Drafted drugs the service cannot identify: no RxNorm or ATC code, and no ICI it knows named in the text. */
    private List<Base> unidentifiedDraftMedications(List<CodeableConcept> drafted) {
        return drafted.stream()
                .filter(concept -> concept.getCoding().stream().map(Coding::getSystem)
                        .noneMatch(system -> TerminologySystems.RXNORM.equals(system)
                                || TerminologySystems.ATC.equals(system)))
                .filter(concept -> agents.find(concept).isEmpty())
                .map(concept -> (Base) concept)
                .toList();
    }

    private ExpressionContext context(EvaluationRequest request, PatientRecord record, MechanismInference inference,
            Observation status, List<Observation> mechanisms, SerialAnalysis serialAnalysis, List<VariantSeries> watched) {
        Map<String, Resource> byReference = new HashMap<>();
        Patient patient = null;
        for (Resource resource : record.usable()) {
            byReference.put(References.of(resource), resource);
            if (resource instanceof Patient p && request.patientId().equals(p.getIdElement().getIdPart())) {
                patient = p;
            }
        }
        Map<String, Resource> resolvable = new HashMap<>(byReference);
        resolvable.put("Observation/" + status.getIdPart(), status);
        mechanisms.forEach(m -> resolvable.put("Observation/" + m.getIdPart(), m));

        Set<Base> agentCodes = new LinkedHashSet<>();
        for (IciExposure exposure : record.pd1AxisExposures()) {
            agentCodes.addAll(exposure.agent().codes());
        }
        List<Base> germline = inference.germline().stream()
                .map(GenomicVariant::source)
                .map(byReference::get)
                .filter(r -> r != null)
                .map(r -> (Base) r)
                .toList();

        Map<String, List<Base>> variables = new HashMap<>();
        variables.put("status", List.of(status));
        variables.put("statusCode", List.of(new StringType(status.getValueCodeableConcept().getCodingFirstRep().getCode())));
        variables.put("mechanisms", List.copyOf(mechanisms));
        variables.put("draftOrders", List.copyOf(request.draftOrders()));
        List<CodeableConcept> drafted = draftMedications(request);
        variables.put("draftMedications", List.copyOf(drafted));
        variables.put("draftAgentTargets", draftAgentTargets(drafted));
        variables.put("unidentifiedDraftMedications", unidentifiedDraftMedications(drafted));
        variables.put("iciAgents", List.copyOf(agentCodes));
        variables.put("record", List.copyOf(record.usable()));
        // The findings alone (a few dozen resources), so conditions on them need not scan the whole record.
        variables.put("findings", record.findings().stream()
                .map(f -> byReference.get(f.source()))
                .filter(r -> r != null)
                .map(r -> (Base) r)
                .toList());
        variables.put("germlineFindings", germline);
        // The latest detection of each emergent variant, and of those in genes without a mechanism.
        variables.put("emergentVariants", latestDetections(serialAnalysis.with(VariantDynamics.EMERGENT), byReference));
        variables.put("emergentWatchVariants", latestDetections(watched, byReference));
        variables.put("patient", patient == null ? List.of() : List.of(patient));
        Resource focus = patient != null ? patient : new Patient().setId(request.patientId());
        return new ExpressionContext(focus, variables, resolvable);
    }
}
