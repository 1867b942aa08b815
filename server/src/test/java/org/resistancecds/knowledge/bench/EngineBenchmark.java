package org.resistancecds.knowledge.bench;

import ca.uhn.fhir.context.FhirContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.resistancecds.knowledge.Evaluation;
import org.resistancecds.knowledge.EvaluationRequest;
import org.resistancecds.knowledge.Fixtures;
import org.resistancecds.knowledge.KnowledgeEvaluator;
import org.resistancecds.knowledge.KnowledgeLoader;
import org.resistancecds.knowledge.ResistanceEvaluator;

/**
 * Prints the in-process latency of evaluating one patient with 200 resources (record, classification,
 * mechanisms, all PlanDefinitions with their FHIRPath conditions), after warm-up. Not a test: run it with
 * {@code bench/engine.sh}.
 */
public final class EngineBenchmark {

    private EngineBenchmark() {}

    public static void main(String[] args) {
        int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int measured = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        long loadStart = System.nanoTime();
        ResistanceEvaluator engine = new KnowledgeEvaluator(KnowledgeLoader.load(FhirContext.forR4Cached()));
        double loadMs = (System.nanoTime() - loadStart) / 1e6;

        List<Resource> record = record();
        EvaluationRequest request =
                new EvaluationRequest(Fixtures.PATIENT, "patient-view", record, List.of(), Instant.parse("2024-10-01T00:00:00Z"));
        Evaluation check = engine.evaluate(request);
        System.out.printf(Locale.ROOT, "knowledge load and compile: %.0f ms%n", loadMs);
        System.out.printf(Locale.ROOT, "record: %d resources; status %s, %d mechanisms, %d recommendations%n",
                record.size(), check.status().code(), check.mechanisms().size(), check.recommendations().size());

        for (int i = 0; i < warmup; i++) {
            engine.evaluate(request);
        }
        long[] nanos = new long[measured];
        for (int i = 0; i < measured; i++) {
            long start = System.nanoTime();
            engine.evaluate(request);
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        System.out.printf(Locale.ROOT, "evaluations: %d warm-up, %d measured%n", warmup, measured);
        System.out.printf(Locale.ROOT, "p50 %.3f ms | p90 %.3f ms | p99 %.3f ms | max %.3f ms%n",
                ms(nanos, 0.50), ms(nanos, 0.90), ms(nanos, 0.99), nanos[nanos.length - 1] / 1e6);
    }

    private static double ms(long[] sorted, double quantile) {
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))] / 1e6;
    }

    /** 200 resources: a course of acquired resistance with several mechanisms, and the ordinary rest of a record. */
    static List<Resource> record() {
        List<Resource> resources = new ArrayList<>(Fixtures.acquiredResistanceCourse());
        for (int cycle = 0; cycle < 30; cycle++) {
            resources.add(Fixtures.administration("1547545", "2023-%02d-%02d".formatted(1 + cycle / 3, 1 + (cycle % 3) * 9)));
        }
        for (int scan = 0; scan < 10; scan++) {
            resources.add(Fixtures.recist(scan < 8 ? "PR" : "SD", "2023-%02d-15".formatted(2 + scan)));
        }
        String[][] genes = {{"HGNC:6190", "JAK1"}, {"HGNC:11389", "STK11"}, {"HGNC:7881", "NOTCH1"}, {"HGNC:3236", "EGFR"},
            {"HGNC:9588", "PTEN"}, {"HGNC:17635", "CD274"}};
        for (int i = 0; i < 60; i++) {
            String[] gene = genes[i % genes.length];
            resources.add(Fixtures.somatic(Fixtures.variant(gene[0], gene[1], i % 7 == 0 ? "p.Arg" + (10 + i) + "Ter" : "p.Ala" + (10 + i) + "Thr")));
        }
        String[] findings = {"treg-infiltration", "mdsc-infiltration", "lactate-glycolysis", "hypoxia", "ido-activity"};
        for (int i = 0; i < 20; i++) {
            resources.add(Fixtures.finding(findings[i % findings.length], i % 2 == 0 ? "H" : "N"));
        }
        int lab = 0;
        while (resources.size() < 199) {
            Observation observation = new Observation();
            observation.setId("lab" + (lab++));
            observation.setStatus(Observation.ObservationStatus.FINAL);
            observation.setSubject(new Reference("Patient/" + Fixtures.PATIENT));
            observation.setCode(new CodeableConcept(new Coding(Fixtures.LOINC, "718-7", "Hemoglobin")));
            observation.setValue(new Quantity(13.1));
            observation.setEffective(new DateTimeType("2023-06-01"));
            resources.add(observation);
        }
        Condition nsclc = new Condition();
        nsclc.setId("nsclc");
        nsclc.setSubject(new Reference("Patient/" + Fixtures.PATIENT));
        nsclc.setCode(new CodeableConcept(new Coding(Fixtures.SNOMED, "254637007", "Non-small cell lung cancer")));
        resources.add(nsclc);
        return resources;
    }
}
