package org.resistancecds.bulk;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.bulk.BulkExportJobParameters;
import ca.uhn.fhir.rest.api.server.bulk.BulkExportJobParameters.ExportStyle;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes {@code Patient/$export} honour {@code _since} and {@code _until}, as the system and Group levels do.
 *
 * <p>HAPI 8.8.0 keeps both in the job, but its Patient-level search (JpaBulkExportProcessor, patient-style ids)
 * builds the queries from the {@code _typeFilter}s without the date range, so every resource of the types asked for
 * was exported. It does apply {@code _typeFilter}s there, so at kick-off the window is written into them as
 * {@code _lastUpdated}: into each filter of a type (a type's filters are OR'ed, so each one must carry it), or as a
 * filter of its own for a type the client did not filter.
 */
public class PatientExportSince {

    private final FhirContext context;

    public PatientExportSince(FhirContext context) {
        this.context = context;
    }

    @Hook(Pointcut.STORAGE_PRE_INITIATE_BULK_EXPORT)
    public void kickOff(BulkExportJobParameters parameters) {
        if (parameters.getExportStyle() != ExportStyle.PATIENT
                || (parameters.getSince() == null && parameters.getUntil() == null)) {
            return;
        }
        LastUpdatedWindow window = LastUpdatedWindow.of(parameters.getSince(), parameters.getUntil());
        // HAPI has filled in every type by now when the client named none.
        List<String> types = parameters.getResourceTypes();
        List<String> filters = new ArrayList<>();
        for (String type : types) {
            List<String> own = parameters.getFilters().stream().filter(f -> f.startsWith(type + "?")).toList();
            if (own.isEmpty()) {
                filters.add(window.filterFor(type));
            } else {
                own.forEach(filter -> filters.add(window.narrow(context, filter)));
            }
        }
        // Filters of types not exported stay as the client sent them; HAPI ignores them.
        parameters.getFilters().stream()
                .filter(filter -> types.stream().noneMatch(type -> filter.startsWith(type + "?")))
                .forEach(filters::add);
        parameters.setFilters(filters);
    }
}
