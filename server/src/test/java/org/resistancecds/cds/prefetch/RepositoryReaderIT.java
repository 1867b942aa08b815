package org.resistancecds.cds.prefetch;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.jpa.searchparam.extractor.ISearchParamExtractor;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.MedicationAdministration;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.resistancecds.AbstractServerIT;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The repository reader answers plain {@code _include}s itself (IncludedReferences); what it returns must be what
 * HAPI's own search with the same query returns over REST, entry for entry and mode for mode.
 */
class RepositoryReaderIT extends AbstractServerIT {

    private static final CodeableConcept PEMBROLIZUMAB =
            new CodeableConcept(new Coding("http://www.nlm.nih.gov/research/umls/rxnorm", "1547545", "pembrolizumab"));

    @Autowired
    private RepositoryReader reader;

    @Autowired
    private MatchUrlService matchUrlService;

    @Autowired
    private DaoRegistry daoRegistry;

    @Autowired
    private ISearchParamExtractor extractor;

    /** Each query with how many resources the record gives it to include, and whether HAPI is left to do it. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "MedicationStatement?patient=%s&_include=MedicationStatement:medication | 1 | false",
        "MedicationStatement?patient=%s&_include=MedicationStatement:medication:Medication | 1 | false",
        "MedicationRequest?patient=%s&_include=MedicationRequest:medication | 1 | false",
        "MedicationAdministration?patient=%s&_include=MedicationAdministration:medication | 0 | false",
        "MedicationRequest?patient=%s&_include=MedicationRequest:medication&_include=MedicationRequest:subject|2|false",
        "MedicationRequest?patient=%s&_include=MedicationRequest:* | 2 | true",
        "MedicationRequest?patient=%s&_include:iterate=MedicationRequest:medication | 1 | true"})
    void answersIncludesAsHapisOwnSearchDoes(String template, int includes, boolean leftToHapi) {
        String patient = recordWithEveryFormOfMedication();
        String query = template.formatted(patient);

        Bundle read = (Bundle) reader.fetch("k", query);
        Bundle searched = fhirClient().search().byUrl(query).count(200).returnBundle(Bundle.class).execute();

        assertThat(entries(read)).as(query).containsExactlyInAnyOrderElementsOf(entries(searched));
        assertThat(entries(read)).filteredOn(entry -> entry.endsWith(" include")).hasSizeGreaterThanOrEqualTo(includes);
        assertThat(read.getTotal()).isEqualTo(searched.getTotal());
        SearchParameterMap map = matchUrlService.translateMatchUrl(query.substring(query.indexOf('?')),
                fhirContext.getResourceDefinition(query.substring(0, query.indexOf('?'))),
                MatchUrlService.processIncludes());
        assertThat(new IncludedReferences(fhirContext, daoRegistry, extractor).takeOver(map)).as("taken over")
                .hasSize(leftToHapi ? 0 : template.split("_include").length - 1);
        assertThat(map.getIncludes()).as("left in the search").hasSize(leftToHapi ? 1 : 0);
    }

    @Test
    void aRecordWithoutReferencesGetsNoIncludedEntries() {
        IGenericClient client = fhirClient();
        String patient = client.create().resource(new Patient()).execute().getId().getIdPart();
        client.create().resource(statement(patient, PEMBROLIZUMAB)).execute();

        Bundle read = (Bundle) reader.fetch("k",
                "MedicationStatement?patient=" + patient + "&_include=MedicationStatement:medication");

        assertThat(entries(read)).singleElement().satisfies(entry -> assertThat(entry).endsWith(" match"));
    }

    /**
     * Two statements refer to one stored Medication, one codes the drug, a request refers to another stored
     * Medication and one to a contained one, an administration to a Medication on another server.
     */
    private String recordWithEveryFormOfMedication() {
        IGenericClient client = fhirClient();
        String patient = client.create().resource(new Patient()).execute().getId().getIdPart();
        String shared = storedMedication(client);
        client.create().resource(statement(patient, new Reference("Medication/" + shared))).execute();
        client.create().resource(statement(patient, new Reference("Medication/" + shared))).execute();
        client.create().resource(statement(patient, PEMBROLIZUMAB)).execute();
        MedicationRequest byReference = request(patient);
        byReference.setMedication(new Reference("Medication/" + storedMedication(client)));
        client.create().resource(byReference).execute();
        MedicationRequest byContained = request(patient);
        Medication contained = new Medication().setCode(PEMBROLIZUMAB);
        contained.setId("m");
        byContained.addContained(contained);
        byContained.setMedication(new Reference("#m"));
        client.create().resource(byContained).execute();
        MedicationAdministration elsewhere = new MedicationAdministration()
                .setStatus(MedicationAdministration.MedicationAdministrationStatus.COMPLETED)
                .setSubject(new Reference("Patient/" + patient))
                .setMedication(new Reference("https://elsewhere.example/fhir/Medication/" + UUID.randomUUID()));
        elsewhere.setEffective(new org.hl7.fhir.r4.model.DateTimeType("2025-01-01"));
        client.create().resource(elsewhere).execute();
        return patient;
    }

    private static String storedMedication(IGenericClient client) {
        return client.create().resource(new Medication().setCode(PEMBROLIZUMAB)).execute().getId().getIdPart();
    }

    private static MedicationStatement statement(String patient, org.hl7.fhir.r4.model.Type medication) {
        return new MedicationStatement()
                .setStatus(MedicationStatement.MedicationStatementStatus.ACTIVE)
                .setSubject(new Reference("Patient/" + patient))
                .setMedication(medication);
    }

    private static MedicationRequest request(String patient) {
        return new MedicationRequest()
                .setStatus(MedicationRequest.MedicationRequestStatus.ACTIVE)
                .setIntent(MedicationRequest.MedicationRequestIntent.ORDER)
                .setSubject(new Reference("Patient/" + patient));
    }

    private static List<String> entries(Bundle bundle) {
        return bundle.getEntry().stream()
                .map(entry -> {
                    Resource resource = entry.getResource();
                    return resource.getIdElement().toUnqualifiedVersionless().getValue() + " "
                            + entry.getSearch().getMode().toCode();
                })
                .toList();
    }
}
