package org.resistancecds.cds.prefetch;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

class RepositoryFetchCacheTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final Map<String, String> QUERIES = Map.of("observations", "Observation?patient=p1");

    private final AtomicInteger reads = new AtomicInteger();
    private final Function<Map<String, String>, Map<String, IBaseResource>> repository = queries -> {
        reads.incrementAndGet();
        Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET);
        bundle.addEntry().setResource(observation("p1").setId("Observation/o" + reads.get()));
        Map<String, IBaseResource> result = new LinkedHashMap<>();
        result.put("observations", bundle);
        return result;
    };

    private final RepositoryFetchCache cache = new RepositoryFetchCache(FHIR, Duration.ofMinutes(1), 1000);

    // A 10-s cache on a hand-moved clock, whose background refreshes wait in a list until a test runs them.
    private final AtomicLong now = new AtomicLong();
    private final List<Runnable> background = new ArrayList<>();
    private final RepositoryFetchCache refreshing =
            new RepositoryFetchCache(FHIR, Duration.ofSeconds(10), 1000, now::get, background::add);

    @Test
    void aSecondCallForThePatientIsAnsweredFromTheCacheWithCopies() {
        Map<String, IBaseResource> first = cache.fetchAll("p1", QUERIES, repository);
        Map<String, IBaseResource> second = cache.fetchAll("p1", QUERIES, repository);
        Map<String, IBaseResource> third = cache.fetchAll("p1", QUERIES, repository);

        assertThat(reads).hasValue(1);
        assertThat(second.get("observations")).isNotSameAs(first.get("observations"))
                .isNotSameAs(third.get("observations"));
        assertThat(((Bundle) second.get("observations")).getEntryFirstRep().getResource().getIdElement().getIdPart())
                .isEqualTo("o1");
    }

    @Test
    void aWriteInThePatientsCompartmentDropsItsEntryButNotOtherPatients() {
        cache.fetchAll("p1", QUERIES, repository);
        cache.fetchAll("p2", Map.of("observations", "Observation?patient=p2"), repository);

        cache.written(observation("p1"));
        cache.fetchAll("p1", QUERIES, repository);
        cache.fetchAll("p2", Map.of("observations", "Observation?patient=p2"), repository);

        assertThat(reads).as("p1 read again, p2 still kept").hasValue(3);
    }

    @Test
    void writingThePatientItselfDropsItsEntry() {
        cache.fetchAll("p1", QUERIES, repository);
        cache.written(new Patient().setId("Patient/p1"));
        cache.fetchAll("p1", QUERIES, repository);
        assertThat(reads).hasValue(2);
    }

    @Test
    void aWriteOutsideAnyPatientCompartmentDropsEverything() {
        cache.fetchAll("p1", QUERIES, repository);
        cache.written(new Medication().setId("Medication/m1"));
        cache.fetchAll("p1", QUERIES, repository);
        assertThat(reads).hasValue(2);
    }

    @Test
    void aReadThatOverlappedAWriteIsAnsweredButNotKept() {
        Function<Map<String, String>, Map<String, IBaseResource>> readDuringWrite = queries -> {
            Map<String, IBaseResource> result = repository.apply(queries);
            cache.written(observation("p1"));
            return result;
        };
        assertThat(cache.fetchAll("p1", QUERIES, readDuringWrite)).containsKey("observations");
        cache.fetchAll("p1", QUERIES, repository);
        assertThat(reads).hasValue(2);
    }

    @Test
    void aZeroTimeToLiveKeepsNothing() {
        RepositoryFetchCache off = new RepositoryFetchCache(FHIR, Duration.ZERO, 1000);
        off.fetchAll("p1", QUERIES, repository);
        off.fetchAll("p1", QUERIES, repository);
        assertThat(reads).hasValue(2);
    }

    @Test
    void aHitLateInAnEntrysLifeRefreshesItAheadSoAChartInUseNeverExpires() {
        refreshing.fetchAll("p1", QUERIES, repository);
        now.set(Duration.ofSeconds(4).toNanos());
        refreshing.fetchAll("p1", QUERIES, repository);
        assertThat(background).as("young entry: no refresh").isEmpty();

        now.set(Duration.ofSeconds(6).toNanos());
        Map<String, IBaseResource> answered = refreshing.fetchAll("p1", QUERIES, repository);
        refreshing.fetchAll("p1", QUERIES, repository);
        assertThat(firstObservationId(answered)).as("answered from the entry").isEqualTo("o1");
        assertThat(background).as("one refresh however many hits").hasSize(1);
        assertThat(reads).hasValue(1);

        background.remove(0).run();
        now.set(Duration.ofMillis(10_500).toNanos());
        Map<String, IBaseResource> afterFirstTtl = refreshing.fetchAll("p1", QUERIES, repository);
        assertThat(reads).as("the refresh was the only read").hasValue(2);
        assertThat(firstObservationId(afterFirstTtl)).isEqualTo("o2");
        assertThat(background).isEmpty();

        now.set(Duration.ofSeconds(17).toNanos());
        refreshing.fetchAll("p1", QUERIES, repository);
        assertThat(reads).as("an entry nobody asked for expires").hasValue(3);
    }

    @Test
    void aFailedRefreshDropsTheEntrySoTheNextCallerReadsTheRecordItself() {
        refreshing.fetchAll("p1", QUERIES, repository);

        now.set(Duration.ofSeconds(6).toNanos());
        refreshing.fetchAll("p1", QUERIES, queries -> {
            throw new IllegalStateException("Patient/p1 deleted on another node");
        });
        background.remove(0).run();
        refreshing.fetchAll("p1", QUERIES, repository);

        assertThat(reads).hasValue(2);
    }

    private static String firstObservationId(Map<String, IBaseResource> result) {
        return ((Bundle) result.get("observations")).getEntryFirstRep().getResource().getIdElement().getIdPart();
    }

    private static Observation observation(String patient) {
        Observation observation = new Observation();
        observation.setSubject(new Reference("Patient/" + patient));
        return observation;
    }
}
