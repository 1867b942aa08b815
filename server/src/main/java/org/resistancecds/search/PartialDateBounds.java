package org.resistancecds.search;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.model.api.IQueryParameterType;
import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import ca.uhn.fhir.rest.param.DateParam;
import ca.uhn.fhir.rest.param.ParamPrefixEnum;
import java.time.LocalDate;
import java.time.Year;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code ge} or {@code le} date of year or month precision, as the day it stands for: {@code ge2024-03} as
 * {@code ge2024-03-01}, {@code le2024} as {@code le2024-12-31}. FHIR's {@code ge2024-03} matches whatever lies in
 * March 2024 or after it, but HAPI 8.8 missed resources inside the month or year itself: an Observation of 2024-03-15
 * was not found by {@code date=ge2024-03}, nor a Patient born 1970-05-05 by {@code birthdate=le1970-05}. At day
 * precision HAPI answers both right. Registered with the storage layer's interceptors: every search it runs.
 */
@Interceptor
public final class PartialDateBounds {

    /** Before HAPI stores and runs a search: its map may still be changed here. */
    @Hook(Pointcut.STORAGE_PRESEARCH_REGISTERED)
    public void asDays(SearchParameterMap map) {
        for (String name : new ArrayList<>(map.keySet())) {
            if (map.get(name).stream().flatMap(List::stream).anyMatch(PartialDateBounds::isPartialBound)) {
                SearchValues.replace(map, name, PartialDateBounds::asDay);
            }
        }
    }

    static IQueryParameterType asDay(IQueryParameterType value) {
        if (!isPartialBound(value)) {
            return value;
        }
        DateParam date = (DateParam) value;
        String text = date.getValueAsString();
        boolean from = date.getPrefix() == ParamPrefixEnum.GREATERTHAN_OR_EQUALS;
        LocalDate day = date.getPrecision() == TemporalPrecisionEnum.YEAR
                ? (from ? Year.parse(text).atDay(1) : Year.parse(text).atMonth(12).atEndOfMonth())
                : (from ? YearMonth.parse(text).atDay(1) : YearMonth.parse(text).atEndOfMonth());
        return new DateParam(date.getPrefix(), day.toString());
    }

    private static boolean isPartialBound(IQueryParameterType value) {
        return value instanceof DateParam date
                && date.getMissing() == null
                && date.getValue() != null
                && (date.getPrefix() == ParamPrefixEnum.GREATERTHAN_OR_EQUALS
                        || date.getPrefix() == ParamPrefixEnum.LESSTHAN_OR_EQUALS)
                && (date.getPrecision() == TemporalPrecisionEnum.YEAR
                        || date.getPrecision() == TemporalPrecisionEnum.MONTH);
    }
}
