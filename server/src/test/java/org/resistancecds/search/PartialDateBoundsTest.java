package org.resistancecds.search;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.model.api.IQueryParameterType;
import ca.uhn.fhir.rest.param.DateParam;
import ca.uhn.fhir.rest.param.StringParam;
import org.junit.jupiter.api.Test;

class PartialDateBoundsTest {

    @Test
    void geAndLeOfAMonthOrYearBecomeItsFirstOrLastDay() {
        assertThat(day("ge2024-03")).isEqualTo("ge2024-03-01");
        assertThat(day("le2024-03")).isEqualTo("le2024-03-31");
        assertThat(day("le2024-02")).isEqualTo("le2024-02-29");
        assertThat(day("ge2024")).isEqualTo("ge2024-01-01");
        assertThat(day("le1970")).isEqualTo("le1970-12-31");
    }

    @Test
    void otherPrefixesAndPrecisionsAreLeftAlone() {
        assertThat(day("2024-03")).isEqualTo("2024-03");
        assertThat(day("gt2024-03")).isEqualTo("gt2024-03");
        assertThat(day("lt2024")).isEqualTo("lt2024");
        assertThat(day("ge2024-03-15")).isEqualTo("ge2024-03-15");
        assertThat(day("le2024-03-15T10:00:00Z")).isEqualTo("le2024-03-15T10:00:00Z");
    }

    @Test
    void theMapGetsTheDaysInEveryOrList() {
        SearchParameterMap map = new SearchParameterMap();
        map.add("date", new DateParam("ge2024-03"));
        map.add("date", new DateParam("le2024"));
        map.add("family", new StringParam("Smith"));

        new PartialDateBounds().asDays(map);

        assertThat(map.get("date")).extracting(or -> ((DateParam) or.get(0)).getValueAsQueryToken(null))
                .containsExactly("ge2024-03-01", "le2024-12-31");
        assertThat(((StringParam) map.get("family").get(0).get(0)).getValue()).isEqualTo("Smith");
    }

    private static String day(String token) {
        IQueryParameterType value = PartialDateBounds.asDay(new DateParam(token));
        return value.getValueAsQueryToken(null);
    }
}
