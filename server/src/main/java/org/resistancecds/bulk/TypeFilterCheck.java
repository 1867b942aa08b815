package org.resistancecds.bulk;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.rest.api.server.bulk.BulkExportJobParameters;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks each {@code _typeFilter} of an export at kick-off, answering 400 for one that is not
 * {@code [type]?[search parameters]} or names a parameter the type does not have. HAPI accepted both with 202: the
 * first it ignored, exporting every resource of the type; the second failed the job, and the poll answered 500 with
 * HAPI's internal exception text.
 */
public class TypeFilterCheck {

    private static final Pattern FILTER = Pattern.compile("([A-Z][A-Za-z]+)\\?(.+)");

    private final FhirContext context;
    private final MatchUrlService matchUrls;

    public TypeFilterCheck(FhirContext context, MatchUrlService matchUrls) {
        this.context = context;
        this.matchUrls = matchUrls;
    }

    @Hook(Pointcut.STORAGE_PRE_INITIATE_BULK_EXPORT)
    public void kickOff(BulkExportJobParameters parameters) {
        for (String filter : parameters.getFilters()) {
            Matcher parts = FILTER.matcher(filter);
            if (!parts.matches() || !context.getResourceTypes().contains(parts.group(1))) {
                throw new InvalidRequestException("_typeFilter '" + filter + "' is not of the form "
                        + "[resource type]?[search parameters], e.g. Observation?code=http://loinc.org|69548-6");
            }
            try {
                matchUrls.translateMatchUrl(filter, context.getResourceDefinition(parts.group(1)));
            } catch (InvalidRequestException e) {
                throw new InvalidRequestException("_typeFilter '" + filter + "' is not a search this server can run: "
                        + e.getMessage());
            }
        }
    }
}
