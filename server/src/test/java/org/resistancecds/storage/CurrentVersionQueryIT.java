package org.resistancecds.storage;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.jpa.dao.data.IResourceHistoryTableDao;
import ca.uhn.fhir.jpa.model.entity.ResourceHistoryTable;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.lang.reflect.Proxy;
import java.util.List;
import org.hibernate.query.sqm.internal.QuerySqmImpl;
import org.hibernate.query.sqm.internal.SqmInterpretationsKey;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;
import org.resistancecds.AbstractServerIT;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.util.AopTestUtils;

/** Searches load their matches through the fixed-length current-version queries and find every match. */
class CurrentVersionQueryIT extends AbstractServerIT {

    @Autowired
    private IResourceHistoryTableDao historyDao;

    @PersistenceContext
    private EntityManager entityManager;

    @Test
    void searchesOfEachPaddedLengthLoadEveryMatchAtItsCurrentVersion() {
        // Spring's transaction advice wraps the bean; inside is the replacement, not HAPI's repository.
        Object target = AopTestUtils.getUltimateTargetObject(historyDao);
        assertThat(Proxy.isProxyClass(target.getClass())).isTrue();
        CurrentVersionQuery handler = (CurrentVersionQuery) Proxy.getInvocationHandler(target);
        IGenericClient client = fhirClient();
        // 1 match (no padding), 3 (padded to 10), 12 (padded to 50), 60 (padded to 100).
        for (int count : new int[] {1, 3, 12, 60}) {
            String patientId = client.create().resource(new Patient()).execute().getId().getIdPart();
            Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
            for (int i = 0; i < count; i++) {
                Observation observation = new Observation();
                observation.setStatus(Observation.ObservationStatus.FINAL);
                observation.setCode(new CodeableConcept(new Coding("http://loinc.org", "94076-7", null)));
                observation.setSubject(new Reference("Patient/" + patientId));
                observation.setValue(new StringType("v" + i));
                transaction.addEntry().setResource(observation).getRequest()
                        .setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
            }
            client.transaction().withBundle(transaction).execute();
            Observation first = matches(client, patientId, count).stream()
                    .filter(o -> o.getValueStringType().getValue().equals("v0")).findFirst().orElseThrow();
            first.setValue(new StringType("v0 changed"));
            client.update().resource(first).execute();

            long answered = handler.answered();
            List<Observation> found = matches(client, patientId, count);
            assertThat(handler.answered()).as("the search's load ran the fixed-length query").isGreaterThan(answered);
            assertThat(found).extracting(o -> o.getValueStringType().getValue()).contains("v0 changed")
                    .doesNotContain("v0");
            assertThat(found).filteredOn(o -> o.getValueStringType().getValue().equals("v0 changed"))
                    .singleElement().satisfies(o -> assertThat(o.getIdElement().getVersionIdPart()).isEqualTo("2"));
        }
    }

    /** Hibernate keys a plan for every length's query text; with none, it translates the query on every search. */
    @Test
    void hibernateKeepsAPlanForEveryLength() {
        for (int length : CurrentVersionQuery.PADDED_LENGTHS) {
            QuerySqmImpl<?> query = entityManager
                    .createQuery(CurrentVersionQuery.text(length), ResourceHistoryTable.class)
                    .unwrap(QuerySqmImpl.class);
            assertThat(SqmInterpretationsKey.createInterpretationsKey(query))
                    .as("plan key, length " + length).isNotNull();
        }
    }

    private static List<Observation> matches(IGenericClient client, String patientId, int expected) {
        Bundle bundle = client.search().forResource(Observation.class)
                .where(Observation.SUBJECT.hasId("Patient/" + patientId))
                .count(200)
                .returnBundle(Bundle.class).execute();
        assertThat(bundle.getEntry()).hasSize(expected);
        return bundle.getEntry().stream().map(e -> (Observation) e.getResource()).toList();
    }
}
