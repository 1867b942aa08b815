package org.resistancecds.knowledge.record;

import java.time.LocalDate;
import org.resistancecds.knowledge.terminology.IciAgent;

/**
 * A period (or a single day) of exposure to an immune checkpoint inhibitor.
 *
 * @param start first day of exposure
 * @param end last known day of exposure (the day itself for one administration)
 * @param ongoing the record says treatment continues (an active statement or order without an end)
 * @param kind {@code statement}, {@code administration} or {@code order}
 * @param source reference of the resource it was read from
 */
public record IciExposure(IciAgent agent, LocalDate start, LocalDate end, boolean ongoing, String kind, String source) {

    /** Whether the patient was on this agent on that day. */
    public boolean covers(LocalDate day) {
        return !day.isBefore(start) && (ongoing || !day.isAfter(end));
    }
}
