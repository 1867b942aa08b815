package org.resistancecds.cds.request;

import static org.resistancecds.cds.request.HookRequestParser.shorten;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.function.Function;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Property;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.resistancecds.cds.CdsHooksException;
import org.resistancecds.cds.prefetch.PrefetchTemplate;

/**
 * Refuses a prefetched resource that is not the answer to its key's template, or that is about another patient than
 * {@code context.patientId}: deciding on such data would give one patient's cards from another's record, or from
 * nothing at all. Sent by the client, that is a 400; read from its {@code fhirServer}, a 412.
 */
public final class PrefetchCheck {

    /** The elements by which a resource names the patient it is about. */
    private static final List<String> PATIENT_ELEMENTS = List.of("subject", "patient");

    /**
     * How far a date without a time of day may lie from the instant HAPI reads it as (midnight in this server's
     * zone): its own zone may be anywhere from UTC-12 to UTC+14, and so may the server's.
     */
    private static final Duration ZONE_SPREAD = Duration.ofHours(26);

    private PrefetchCheck() {}

    /**
     * @param template the key's prefetch template: {@code Type/id} (a read) or {@code Type?params} (a search)
     */
    public static void check(String key, String template, IBaseResource resource, String patientId,
            Function<String, CdsHooksException> refusal) {
        String where = "prefetch." + key;
        String type = PrefetchTemplate.resourceType(template);
        if (!isSearch(template)) {
            if (!type.equals(resource.fhirType())) {
                throw refusal.apply(where + " must be " + withArticle(type) + " (the answer to '" + template
                        + "'), but was " + withArticle(resource.fhirType()) + ".");
            }
            requireSamePatient(where, (Resource) resource, patientId, refusal);
            requireOrderedPeriods(where, (Resource) resource, refusal);
            return;
        }
        if (!(resource instanceof Bundle bundle)) {
            throw refusal.apply(where + " must be a Bundle (the answer to the search '" + template + "'), but was "
                    + withArticle(resource.fhirType()) + ".");
        }
        boolean includes = template.contains("_include") || template.contains("_revinclude");
        List<Bundle.BundleEntryComponent> entries = bundle.getEntry();
        for (int i = 0; i < entries.size(); i++) {
            Resource entry = entries.get(i).getResource();
            if (entry == null) {
                continue;
            }
            String entryWhere = where + ".entry[" + i + "]";
            if (!type.equals(entry.fhirType()) && isMatch(entries.get(i), includes)) {
                throw refusal.apply(entryWhere + " is " + withArticle(entry.fhirType()) + ", but the search '"
                        + template + "' matches " + type + " resources only.");
            }
            requireSamePatient(entryWhere, entry, patientId, refusal);
            requireOrderedPeriods(entryWhere, entry, refusal);
        }
    }

    /**
     * FHIR's rule per-1, on the period the service measures by: a resource's {@code effectivePeriod} (a therapy's
     * course, an observation's interval) does not end before it starts. One with its dates swapped had told the
     * clinician of an exposure of -1,461 days. Other periods (an address's, a name's) are not the service's concern,
     * and a fault there does not cost the call. Dates are compared at their precision and, without a time of day,
     * in any time zone: a period is refused only when every reading of it ends before it starts.
     */
    static void requireOrderedPeriods(String where, Resource resource, Function<String, CdsHooksException> refusal) {
        Property effective = resource.getNamedProperty("effective[x]");
        if (effective == null) {
            return;
        }
        for (Base value : effective.getValues()) {
            if (value instanceof Period period && period.hasStart() && period.hasEnd()
                    && earliest(period.getStartElement()).after(latest(period.getEndElement()))) {
                throw refusal.apply(where + " (" + shorten(name(resource)) + ") has an effectivePeriod that ends ("
                        + period.getEndElement().getValueAsString() + ") before it starts ("
                        + period.getStartElement().getValueAsString() + "), which FHIR's rule per-1 forbids.");
            }
        }
    }

    /** The first moment a date can mean: without a time of day, in any zone. */
    private static Date earliest(DateTimeType start) {
        Date value = start.getValue();
        return start.getPrecision().ordinal() <= TemporalPrecisionEnum.DAY.ordinal()
                ? new Date(value.getTime() - ZONE_SPREAD.toMillis()) : value;
    }

    /** The last moment a date can mean: an end of {@code 2024-01} lasts the whole month, in any time zone. */
    private static Date latest(DateTimeType end) {
        TemporalPrecisionEnum precision = end.getPrecision();
        long last = precision.add(end.getValue(), 1).getTime() - 1;
        boolean dateOnly = precision.ordinal() <= TemporalPrecisionEnum.DAY.ordinal();
        return new Date(dateOnly ? last + ZONE_SPREAD.toMillis() : last);
    }

    /**
     * Whether an entry claims to match the search. Entries marked {@code include} and outcome entries may be of
     * any type; unmarked ones may too when the template has {@code _include} or {@code _revinclude}, since
     * clients often leave {@code search.mode} out.
     */
    private static boolean isMatch(Bundle.BundleEntryComponent entry, boolean templateIncludes) {
        if (entry.getResource() instanceof OperationOutcome) {
            return false;
        }
        if (!entry.getSearch().hasMode()) {
            return !templateIncludes;
        }
        return entry.getSearch().getMode() == Bundle.SearchEntryMode.MATCH;
    }

    static void requireSamePatient(String where, Resource resource, String patientId,
            Function<String, CdsHooksException> refusal) {
        if (resource instanceof Patient patient) {
            // A Patient known only by its entry's urn:uuid: fullUrl has no id to compare.
            IIdType id = patient.getIdElement();
            if (id.hasIdPart() && !id.getValue().startsWith("urn:") && !id.getIdPart().equals(patientId)) {
                throw refusal.apply(where + " is Patient/" + shorten(id.getIdPart())
                        + ", but context.patientId is '" + patientId + "'.");
            }
            return;
        }
        for (String element : PATIENT_ELEMENTS) {
            Property property = resource.getNamedProperty(element);
            if (property == null) {
                continue;
            }
            for (Base value : property.getValues()) {
                if (value instanceof Reference reference && isOtherPatient(reference, patientId)) {
                    throw refusal.apply(where + " (" + shorten(name(resource)) + ") is about "
                            + shorten(reference.getReference()) + ", but context.patientId is '" + patientId + "'.");
                }
            }
        }
    }

    /**
     * A reference to a Patient by another id; contained, {@code urn:uuid:} and non-Patient targets are not. A bare id
     * ({@code "other"}, no type: not a FHIR reference, but sent) is taken as naming a patient.
     */
    private static boolean isOtherPatient(Reference reference, String patientId) {
        if (!reference.hasReference() || reference.getReference().startsWith("#")
                || reference.getReference().startsWith("urn:")) {
            return false;
        }
        IIdType target = reference.getReferenceElement();
        if (!reference.getReference().contains("/") && !reference.hasType()) {
            return !reference.getReference().equals(patientId);
        }
        String targetType = target.hasResourceType() ? target.getResourceType() : reference.getType();
        return "Patient".equals(targetType) && target.hasIdPart() && !target.getIdPart().equals(patientId);
    }

    private static String name(Resource resource) {
        IIdType id = resource.getIdElement();
        if (!id.hasIdPart()) {
            return resource.fhirType();
        }
        // HAPI gives an entry's resource its fullUrl as id; a urn:uuid: is shown as it is.
        return id.getValue().startsWith("urn:") ? id.getValue() : resource.fhirType() + "/" + id.getIdPart();
    }

    private static String withArticle(String type) {
        return ("AEIOU".indexOf(type.charAt(0)) >= 0 ? "an " : "a ") + type;
    }

    /** A template with a query, or a bare type, is a search; {@code Type/id} is a read. */
    public static boolean isSearch(String template) {
        return template.contains("?") || !template.contains("/");
    }
}
