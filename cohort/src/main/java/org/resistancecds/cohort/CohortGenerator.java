package org.resistancecds.cohort;

import ca.uhn.fhir.context.FhirContext;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.hl7.fhir.r4.model.Bundle;

/**
 * A seeded NSCLC cohort: patient {@code i} of seed {@code s} is always the same Bundle. The first patients take
 * each archetype once (so any cohort at least as large as the archetype list covers every status and mechanism);
 * the rest are drawn by the design's weights.
 */
public final class CohortGenerator {

    private final CohortDesign design;
    private final Map<String, Archetype> archetypes = new LinkedHashMap<>();
    private final IciEnricher enricher;
    private final BasePatientFactory base = new BasePatientFactory();
    private final long seed;

    public CohortGenerator(FhirContext fhirContext, CohortDesign design, long seed) {
        this.design = design;
        this.seed = seed;
        this.enricher = new IciEnricher(fhirContext, design);
        for (Weighted<String> archetype : design.archetypes()) {
            archetypes.put(archetype.value(), ScenarioTemplates.load(fhirContext, archetype.value()));
        }
    }

    public List<Archetype> archetypes() {
        return List.copyOf(archetypes.values());
    }

    /** Patient number {@code index} of this seed, with {@code vitalSigns} routine Observations. */
    public CohortPatient patient(int index, int vitalSigns) {
        Random random = new Random(seed * 1_000_003L + index);
        String scenario = index < design.archetypes().size()
                ? design.archetypes().get(index).value()
                : Weighted.pick(design.archetypes(), random);
        Archetype archetype = archetypes.get(scenario);
        LocalDate asOf = design.templateAsOf().minusDays(random.nextInt(design.maxShiftDays() + 1));
        String key = seed + "-" + index;
        Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        String patientUrl = base.addBase(transaction, key, asOf, vitalSigns, random);
        IciEnricher.Enrichment enrichment = enricher.enrich(transaction, patientUrl, archetype, asOf, random);
        return new CohortPatient(key, archetype, asOf, enrichment.agent(), patientUrl, transaction);
    }

    public List<CohortPatient> patients(int from, int count, int vitalSigns) {
        List<CohortPatient> patients = new ArrayList<>(count);
        for (int i = from; i < from + count; i++) {
            patients.add(patient(i, vitalSigns));
        }
        return patients;
    }

    /** Enriches one Synthea patient Bundle in place, with an archetype drawn for it and evaluated at {@code asOf}. */
    public CohortPatient enrichSynthea(Bundle syntheaBundle, int index, LocalDate asOf) {
        Random random = new Random(seed * 1_000_003L + index);
        String scenario = index < design.archetypes().size()
                ? design.archetypes().get(index).value()
                : Weighted.pick(design.archetypes(), random);
        Archetype archetype = archetypes.get(scenario);
        Bundle.BundleEntryComponent patientEntry = syntheaBundle.getEntry().stream()
                .filter(entry -> entry.getResource() != null && "Patient".equals(entry.getResource().fhirType()))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the Synthea Bundle has no Patient entry"));
        IciEnricher.Enrichment enrichment =
                enricher.enrich(syntheaBundle, patientEntry.getFullUrl(), archetype, asOf, random);
        return new CohortPatient("synthea-" + index, archetype, asOf, enrichment.agent(),
                patientEntry.getFullUrl(), syntheaBundle);
    }
}
