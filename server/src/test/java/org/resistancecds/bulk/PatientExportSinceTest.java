package org.resistancecds.bulk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.server.bulk.BulkExportJobParameters;
import ca.uhn.fhir.rest.api.server.bulk.BulkExportJobParameters.ExportStyle;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;

class PatientExportSinceTest {

    private static final FhirContext R4 = FhirContext.forR4Cached();
    private static final Date SINCE = Date.from(Instant.parse("2025-03-01T10:00:00Z"));
    private static final String FROM_SINCE = "_lastUpdated=ge2025-03-01T10:00:00.000Z";

    private final PatientExportSince interceptor = new PatientExportSince(R4);

    private static BulkExportJobParameters export(ExportStyle style, List<String> types, List<String> filters) {
        BulkExportJobParameters parameters = new BulkExportJobParameters();
        parameters.setExportStyle(style);
        parameters.setResourceTypes(types);
        parameters.setFilters(filters);
        parameters.setSince(SINCE);
        return parameters;
    }

    @Test
    void aTypeWithoutFilterGetsTheWindowAsItsFilter() {
        BulkExportJobParameters parameters = export(ExportStyle.PATIENT, List.of("Patient", "Observation"), List.of());

        interceptor.kickOff(parameters);

        assertThat(parameters.getFilters()).containsExactly("Patient?" + FROM_SINCE, "Observation?" + FROM_SINCE);
    }

    @Test
    void eachOfSeveralFiltersOfATypeIsNarrowed() {
        BulkExportJobParameters parameters = export(ExportStyle.PATIENT, List.of("Observation"),
                List.of("Observation?code=http://loinc.org|8302-2", "Observation?status=final&category=vital-signs"));

        interceptor.kickOff(parameters);

        assertThat(parameters.getFilters()).containsExactly(
                "Observation?code=http://loinc.org|8302-2&" + FROM_SINCE,
                "Observation?status=final&category=vital-signs&" + FROM_SINCE);
    }

    /** Bounds are compared as HAPI's search compares them; it reads a day as ending where it ends last (UTC-12). */
    @Test
    void aFiltersOwnRangeIsIntersectedWithTheWindow() {
        BulkExportJobParameters parameters = export(ExportStyle.PATIENT, List.of("Observation", "Condition"), List.of(
                "Observation?_lastUpdated=gt2020-01-01&code=x",
                "Observation?_lastUpdated=ge2025-06-01T00:00:00Z&_lastUpdated=lt2025-07-01",
                "Condition?_lastUpdated=le2025-05-31"));
        parameters.setUntil(Date.from(Instant.parse("2025-06-15T00:00:00Z")));

        interceptor.kickOff(parameters);

        assertThat(parameters.getFilters()).containsExactly(
                "Observation?code=x&" + FROM_SINCE + "&_lastUpdated=le2025-06-15T00:00:00.000Z",
                "Observation?_lastUpdated=ge2025-06-01T00:00:00.000Z&_lastUpdated=le2025-06-15T00:00:00.000Z",
                "Condition?" + FROM_SINCE + "&_lastUpdated=le2025-06-01T11:59:59.999Z");
    }

    @Test
    void aFilterWhoseRangeEndsBeforeTheWindowIsRefused() {
        BulkExportJobParameters parameters = export(ExportStyle.PATIENT, List.of("Observation"),
                List.of("Observation?_lastUpdated=lt2024-01-01"));

        assertThatThrownBy(() -> interceptor.kickOff(parameters))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("can match nothing");
    }

    @Test
    void filtersOfTypesNotExportedStayAsTheyWere() {
        BulkExportJobParameters parameters = export(ExportStyle.PATIENT, List.of("Observation"),
                List.of("Condition?code=x"));

        interceptor.kickOff(parameters);

        assertThat(parameters.getFilters()).containsExactly("Observation?" + FROM_SINCE, "Condition?code=x");
    }

    /** HAPI applies _since itself at these levels (and there a Patient filter would also drop Group members). */
    @Test
    void systemAndGroupExportsAreLeftAlone() {
        for (ExportStyle style : List.of(ExportStyle.SYSTEM, ExportStyle.GROUP)) {
            BulkExportJobParameters parameters = export(style, List.of("Patient", "Observation"), List.of("Observation?code=x"));

            interceptor.kickOff(parameters);

            assertThat(parameters.getFilters()).containsExactly("Observation?code=x");
        }
    }
}
