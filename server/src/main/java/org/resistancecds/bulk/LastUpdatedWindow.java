package org.resistancecds.bulk;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.QualifiedParamList;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.util.UrlUtil;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * The {@code _since} / {@code _until} window of an export (either end may be open), written as {@code _lastUpdated}
 * search parameters of a {@code _typeFilter}.
 */
record LastUpdatedWindow(Instant from, Instant to) {

    private static final String LAST_UPDATED = Constants.PARAM_LASTUPDATED;
    /** Always to the millisecond: HAPI reads "le" on a value in seconds as the end of that second. */
    private static final DateTimeFormatter MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC);

    static LastUpdatedWindow of(Date since, Date until) {
        return new LastUpdatedWindow(since == null ? null : since.toInstant(), until == null ? null : until.toInstant());
    }

    /** A filter for a type the client gave no filter for: all of it in the window. */
    String filterFor(String resourceType) {
        return resourceType + "?" + String.join("&", parameters(from, to));
    }

    /**
     * The client's filter with its own {@code _lastUpdated} range (if any) cut down to this window, every other
     * parameter as it was.
     *
     * @throws InvalidRequestException if the filter's own range does not overlap the window (it could match nothing)
     *     or its {@code _lastUpdated} cannot be read
     */
    String narrow(FhirContext context, String typeFilter) {
        int query = typeFilter.indexOf('?');
        List<String> kept = new ArrayList<>();
        List<QualifiedParamList> own = new ArrayList<>();
        for (String parameter : typeFilter.substring(query + 1).split("&")) {
            int equals = parameter.indexOf('=');
            if (equals > 0 && LAST_UPDATED.equals(UrlUtil.unescape(parameter.substring(0, equals)))) {
                own.add(QualifiedParamList.singleton(UrlUtil.unescape(parameter.substring(equals + 1))));
            } else if (!parameter.isEmpty()) {
                kept.add(parameter);
            }
        }
        DateRangeParam ownRange = new DateRangeParam();
        try {
            ownRange.setValuesAsQueryTokens(context, LAST_UPDATED, own);
        } catch (DataFormatException | InvalidRequestException e) {
            throw new InvalidRequestException("_typeFilter " + typeFilter + ": " + e.getMessage());
        }
        Instant lower = later(from, instant(ownRange.getLowerBoundAsInstant()));
        Instant upper = earlier(to, instant(ownRange.getUpperBoundAsInstant()));
        if (lower != null && upper != null && lower.isAfter(upper)) {
            throw new InvalidRequestException("_typeFilter " + typeFilter + " can match nothing: its " + LAST_UPDATED
                    + " range does not overlap _since/_until");
        }
        kept.addAll(parameters(lower, upper));
        return typeFilter.substring(0, query) + "?" + String.join("&", kept);
    }

    private static List<String> parameters(Instant lower, Instant upper) {
        List<String> parameters = new ArrayList<>(2);
        if (lower != null) {
            parameters.add(LAST_UPDATED + "=ge" + MILLIS.format(lower));
        }
        if (upper != null) {
            parameters.add(LAST_UPDATED + "=le" + MILLIS.format(upper));
        }
        return parameters;
    }

    private static Instant instant(Date date) {
        return date == null ? null : date.toInstant();
    }

    private static Instant later(Instant a, Instant b) {
        return a == null ? b : b == null || a.isAfter(b) ? a : b;
    }

    private static Instant earlier(Instant a, Instant b) {
        return a == null ? b : b == null || a.isBefore(b) ? a : b;
    }
}
