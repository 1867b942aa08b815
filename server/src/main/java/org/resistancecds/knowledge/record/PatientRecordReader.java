package org.resistancecds.knowledge.record;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Dosage;
import org.hl7.fhir.r4.model.MedicationAdministration;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Specimen;
import org.hl7.fhir.r4.model.Type;
import org.resistancecds.knowledge.KnowledgeCodes;
import org.resistancecds.knowledge.terminology.IciAgent;
import org.resistancecds.knowledge.terminology.IciAgentTable;
import org.resistancecds.knowledge.terminology.ResponseCategory;
import org.resistancecds.knowledge.terminology.ResponseCategoryMap;
import org.resistancecds.knowledge.terminology.TerminologySystems;

/**
 * Builds a {@link PatientRecord} from the resources of one patient as real systems send them. Thread-safe: all
 * state of one reading lives in a {@link Reading}.
 */
public final class PatientRecordReader {

    private final IciAgentTable agents;
    private final ResponseCategoryMap responses;
    private final VariantReader variants;
    private final FindingReader findings;

    public PatientRecordReader(IciAgentTable agents, ResponseCategoryMap responses, VariantReader variants) {
        this.agents = agents;
        this.responses = responses;
        this.variants = variants;
        this.findings = new FindingReader();
    }

    public PatientRecord read(String patientId, List<Resource> resources, LocalDate asOf) {
        Reading reading = new Reading(patientId, resources, asOf);
        for (Resource resource : resources) {
            reading.add(resource);
        }
        return reading.toRecord();
    }

    /** The mutable state of reading one record. */
    private final class Reading {
        private final String patientId;
        private final LocalDate asOf;
        private final Set<String> patientAliases = new HashSet<>();
        private final MedicationConcepts medications;
        private final List<IciExposure> exposures = new ArrayList<>();
        private final List<ResponseAssessment> assessments = new ArrayList<>();
        private final List<GenomicVariant> variantList = new ArrayList<>();
        private final List<GenomicVariant> absentVariants = new ArrayList<>();
        private final Map<String, String> specimenKinds = new HashMap<>();
        private final List<ResistanceAnnotation> annotations = new ArrayList<>();
        private final List<BiomarkerFinding> findingList = new ArrayList<>();
        private final List<String> notes = new ArrayList<>();
        private final List<Resource> usable = new ArrayList<>();

        Reading(String patientId, List<Resource> resources, LocalDate asOf) {
            this.patientId = patientId;
            this.asOf = asOf;
            this.medications = new MedicationConcepts(resources);
            long patients = resources.stream().filter(Patient.class::isInstance).count();
            for (Resource resource : resources) {
                if (resource instanceof Patient patient) {
                    // The evaluated patient may be known by its urn:uuid in a Bundle; another Patient is not an alias.
                    if (patients == 1 || patientId == null || patientId.equals(patient.getIdElement().getIdPart())) {
                        patientAliases.add(References.of(patient));
                    }
                } else if (resource instanceof Specimen specimen) {
                    String kind = SpecimenKinds.of(specimen);
                    if (kind != null) {
                        specimenKinds.put(References.of(specimen), kind);
                    }
                }
            }
        }

        void add(Resource resource) {
            if (resource instanceof Observation observation) {
                addObservation(observation);
            } else if (resource instanceof MedicationStatement statement) {
                addStatement(statement);
            } else if (resource instanceof MedicationAdministration administration) {
                addAdministration(administration);
            } else if (resource instanceof MedicationRequest request) {
                addRequest(request);
            } else {
                usable.add(resource);
            }
        }

        private void addObservation(Observation observation) {
            if (isDerivedByUs(observation)) {
                // Our own earlier assessments must not feed back into a new one, and are no patient data to note.
                return;
            }
            String ref = References.of(observation);
            String status = observation.hasStatus() ? observation.getStatus().toCode() : "unknown";
            if (RecordCodes.VOID_OBSERVATION.contains(status)) {
                notes.add(ref + " not counted: status " + status);
                return;
            }
            if (!isOurPatient(observation.getSubject(), ref)) {
                return;
            }
            LocalDate date = observationDate(observation);
            if (date != null && date.isAfter(asOf)) {
                notes.add(ref + " not counted: dated after the evaluation date");
                return;
            }
            boolean preliminary = "preliminary".equals(status);
            usable.add(observation);
            if (hasCode(observation.getCode(), TerminologySystems.LOINC, RecordCodes.VARIANT)) {
                variants.read(observation, preliminary, date, specimenKinds, notes).ifPresent(variant -> {
                    if (variant.present()) {
                        variantList.add(variant);
                    } else {
                        absentVariants.add(variant);
                    }
                });
                return;
            }
            Optional<CategoryBasis> category = responseCategory(observation);
            if (category.isPresent()) {
                if (date == null) {
                    notes.add(ref + " not counted: response assessment without a date");
                } else {
                    assessments.add(new ResponseAssessment(date, category.get().category(), category.get().text(), preliminary, ref));
                }
                return;
            }
            if (hasCode(observation.getCode(), TerminologySystems.LOINC, RecordCodes.DISEASE_STATUS)) {
                notes.add(ref + " not counted: disease status value not recognised");
                return;
            }
            readAnnotation(observation, ref);
            findings.read(observation, preliminary).ifPresent(findingList::add);
        }

        /**
         * The response category: the RECIST/iRECIST extension of our ici-response-assessment profile first (the
         * most precise), then a category or a mapped disease-status trend in the value or a component.
         */
        private Optional<CategoryBasis> responseCategory(Observation observation) {
            List<CodeableConcept> values = new ArrayList<>();
            observation.getExtensionsByUrl(KnowledgeCodes.RESPONSE_CATEGORY_EXTENSION).stream()
                    .filter(e -> e.getValue() instanceof CodeableConcept)
                    .forEach(e -> values.add((CodeableConcept) e.getValue()));
            if (observation.getValue() instanceof CodeableConcept value) {
                values.add(value);
            }
            observation.getComponent().stream()
                    .filter(c -> c.getValue() instanceof CodeableConcept)
                    .forEach(c -> values.add((CodeableConcept) c.getValue()));
            return values.stream()
                    .flatMap(value -> value.getCoding().stream())
                    .map(this::category)
                    .flatMap(Optional::stream)
                    .findFirst();
        }

        private Optional<CategoryBasis> category(Coding coding) {
            if (KnowledgeCodes.RESPONSE_SYSTEM.equals(coding.getSystem())) {
                return ResponseCategory.find(coding.getCode())
                        .map(c -> new CategoryBasis(c, c.code()));
            }
            return responses.map(coding.getSystem(), coding.getCode()).map(mapped -> new CategoryBasis(
                    ResponseCategory.fromCode(mapped.category()),
                    "disease status '" + mapped.sourceDisplay() + "' read as " + mapped.category()
                            + (mapped.exact() ? "" : " (inexact mapping)")));
        }

        private void readAnnotation(Observation observation, String ref) {
            boolean resistant = hasAnswer(observation, RecordCodes.RESISTANT);
            boolean presumed = hasAnswer(observation, RecordCodes.PRESUMED_RESISTANT);
            if ((!resistant && !presumed) || !observation.hasDerivedFrom()) {
                return;
            }
            boolean aboutIci = observation.getComponent().stream()
                    .filter(c -> hasCode(c.getCode(), TerminologySystems.LOINC, RecordCodes.MEDICATION_ASSESSED))
                    .anyMatch(c -> c.getValue() instanceof CodeableConcept drug
                            && agents.find(drug).filter(IciAgent::blocksPd1Axis).isPresent());
            if (!aboutIci) {
                notes.add(ref + " not counted: resistance statement not about anti-PD-(L)1 therapy");
                return;
            }
            for (Reference variant : observation.getDerivedFrom()) {
                annotations.add(new ResistanceAnnotation(variant.getReference(), !resistant, ref));
            }
        }

        private void addStatement(MedicationStatement statement) {
            String status = statement.hasStatus() ? statement.getStatus().toCode() : "unknown";
            Type effective = statement.getEffective();
            boolean ongoing = "active".equals(status) && FhirDates.end(effective) == null;
            addExposure(statement, status, RecordCodes.VOID_STATEMENT, statement.getSubject(),
                    statement.getMedication(), FhirDates.start(effective), FhirDates.end(effective), ongoing,
                    "statement");
        }

        private void addAdministration(MedicationAdministration administration) {
            String status = administration.hasStatus() ? administration.getStatus().toCode() : "unknown";
            Type effective = administration.getEffective();
            LocalDate end = FhirDates.end(effective);
            addExposure(administration, status, RecordCodes.VOID_ADMINISTRATION, administration.getSubject(),
                    administration.getMedication(), FhirDates.start(effective), end,
                    "in-progress".equals(status) && end == null, "administration");
        }

        private void addRequest(MedicationRequest request) {
            String status = request.hasStatus() ? request.getStatus().toCode() : "unknown";
            String intent = request.hasIntent() ? request.getIntent().toCode() : "order";
            if (RecordCodes.NOT_AN_ORDER.contains(intent)) {
                // A proposal or plan says nothing about drug the patient received.
                if (medicationConcept(request.getMedication(), request).flatMap(agents::find).isPresent()) {
                    notes.add(References.of(request) + " not counted: intent " + intent + " is not an order");
                }
                return;
            }
            Period bounds = request.getDosageInstruction().stream()
                    .map(Dosage::getTiming)
                    .filter(t -> t.getRepeat().hasBoundsPeriod())
                    .map(t -> t.getRepeat().getBoundsPeriod())
                    .findFirst()
                    .orElse(null);
            LocalDate start = bounds != null ? FhirDates.start(bounds) : FhirDates.day(request.getAuthoredOnElement());
            LocalDate end = bounds != null ? FhirDates.end(bounds) : null;
            addExposure(request, status, RecordCodes.VOID_REQUEST, request.getSubject(), request.getMedication(),
                    start, end, "active".equals(status) && end == null, "order");
        }

        private void addExposure(DomainResource resource, String status, Set<String> voidStatuses, Reference subject,
                Type medication, LocalDate start, LocalDate end, boolean ongoing, String kind) {
            String ref = References.of(resource);
            Optional<IciAgent> agent = medicationConcept(medication, resource).flatMap(agents::find);
            if (agent.isEmpty()) {
                usable.add(resource);
                return;
            }
            if (voidStatuses.contains(status)) {
                notes.add(ref + " not counted: status " + status);
                return;
            }
            if (!isOurPatient(subject, ref)) {
                return;
            }
            if (start == null) {
                notes.add(ref + " not counted: " + agent.get().name() + " without a date");
                return;
            }
            if (start.isAfter(asOf)) {
                notes.add(ref + " not counted: starts after the evaluation date");
                return;
            }
            // Seen from the evaluation date, a period that ends later is still running.
            boolean running = ongoing || (end != null && end.isAfter(asOf));
            LocalDate last = end == null ? (running ? asOf : start) : (end.isAfter(asOf) ? asOf : end);
            usable.add(resource);
            exposures.add(new IciExposure(agent.get(), start, last, running, kind, ref));
        }

        private Optional<CodeableConcept> medicationConcept(Type medication, DomainResource owner) {
            return medications.of(medication, owner);
        }

        private boolean isOurPatient(Reference subject, String ref) {
            if (patientId == null || subject == null || !subject.hasReference()) {
                return true;
            }
            if (patientId.equals(subject.getReferenceElement().getIdPart())
                    || patientAliases.contains(subject.getReference())) {
                return true;
            }
            notes.add(ref + " not counted: it is about " + subject.getReference() + ", not Patient/" + patientId);
            return false;
        }

        PatientRecord toRecord() {
            exposures.sort(Comparator.comparing(IciExposure::start));
            assessments.sort(Comparator.comparing(ResponseAssessment::date));
            return new PatientRecord(patientId, asOf, exposures, assessments, variantList, annotations, findingList,
                    notes, usable, absentVariants);
        }
    }

    private record CategoryBasis(ResponseCategory category, String text) {}

    private static LocalDate observationDate(Observation observation) {
        LocalDate date = FhirDates.start(observation.getEffective());
        return date != null ? date : FhirDates.day(observation.getIssuedElement());
    }

    private static boolean isDerivedByUs(Observation observation) {
        return hasCode(observation.getCode(), KnowledgeCodes.BIOMARKER_SYSTEM, KnowledgeCodes.STATUS_ASSESSMENT_CODE)
                || hasCode(observation.getCode(), KnowledgeCodes.BIOMARKER_SYSTEM, KnowledgeCodes.MECHANISM_ASSESSMENT_CODE);
    }

    private static boolean hasAnswer(Observation observation, String answer) {
        return observation.getComponent().stream()
                .anyMatch(c -> c.getValue() instanceof CodeableConcept value
                        && hasCode(value, TerminologySystems.LOINC, answer));
    }

    static boolean hasCode(CodeableConcept concept, String system, String code) {
        if (concept == null) {
            return false;
        }
        for (Coding coding : concept.getCoding()) {
            if (code.equals(coding.getCode()) && system.equals(coding.getSystem())) {
                return true;
            }
        }
        return false;
    }
}
