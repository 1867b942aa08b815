package org.resistancecds.knowledge.record;

import java.time.LocalDate;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Type;

/** Clinical days from FHIR dates, keeping the day as written (a partial date counts as its first day). */
final class FhirDates {

    private FhirDates() {}

    static LocalDate day(BaseDateTimeType date) {
        if (date == null || date.getValue() == null) {
            return null;
        }
        // The text as sent (YYYY, YYYY-MM or YYYY-MM-DD first): cheaper than calendar fields, and the day as written.
        String text = date.getValueAsString();
        if (text != null && text.length() >= 4) {
            try {
                int year = Integer.parseInt(text.substring(0, 4));
                int month = text.length() >= 7 ? Integer.parseInt(text.substring(5, 7)) : 1;
                int day = text.length() >= 10 ? Integer.parseInt(text.substring(8, 10)) : 1;
                return LocalDate.of(year, month, day);
            } catch (RuntimeException e) {
                // Fall through to the parsed value.
            }
        }
        Integer month = date.getMonth();
        Integer day = date.getDay();
        return LocalDate.of(date.getYear(), month == null ? 1 : month + 1, day == null ? 1 : day);
    }

    /** The start of a dateTime, Period or instant. */
    static LocalDate start(Type effective) {
        if (effective instanceof BaseDateTimeType date) {
            return day(date);
        }
        if (effective instanceof Period period) {
            return period.hasStart() ? day(period.getStartElement()) : day(period.getEndElement());
        }
        return null;
    }

    /** The end of a dateTime, Period or instant: for an open Period, null. */
    static LocalDate end(Type effective) {
        if (effective instanceof BaseDateTimeType date) {
            return day(date);
        }
        if (effective instanceof Period period) {
            return period.hasEnd() ? day(period.getEndElement()) : null;
        }
        return null;
    }
}
