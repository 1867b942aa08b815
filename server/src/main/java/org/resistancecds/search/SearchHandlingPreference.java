package org.resistancecds.search;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.PreferHandlingEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import ca.uhn.fhir.rest.server.RestfulServerUtils;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.method.SearchMethodBinding;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * The client's {@code Prefer: handling} on a type-level search (FHIR R4 search, "Handling Errors").
 * {@code lenient}: parameters this server does not know or support are left out of the search and of its self
 * link, and an OperationOutcome entry names each one. {@code strict}, and no preference: they are refused with
 * 400. HAPI refused unknown names whatever the header said, and ignored unknown names starting with {@code _}
 * (such as {@code _fhirpath}) while its self link still showed them as searched.
 */
@Interceptor
public class SearchHandlingPreference {

    /**
     * The {@code _} parameters a type-level search here acts on besides those that shape its answer and the search
     * parameters in the registry ({@code _id}, {@code _lastUpdated}, {@code _tag}, {@code _profile},
     * {@code _security}, {@code _source}). Left out because this server cannot do them: {@code _text},
     * {@code _content} (no full-text index), {@code _filter}, {@code _query}, {@code _contained}, {@code _language}.
     */
    private static final Set<String> OTHER_FILTERS = Set.of(Constants.PARAM_HAS, Constants.PARAM_LIST);

    private static final String IGNORED = SearchHandlingPreference.class.getName() + ".ignored";

    private final ISearchParamRegistry registry;

    public SearchHandlingPreference(ISearchParamRegistry registry) {
        this.registry = registry;
    }

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLER_SELECTED)
    public void beforeSearch(RequestDetails request) {
        String type = request.getResourceName();
        if (!SearchMethodBinding.isPlainSearchRequest(request)
                || !request.getFhirContext().getResourceTypes().contains(type)) {
            return;
        }
        List<String> unsupported = request.getParameters().keySet().stream()
                .filter(name -> !name.isBlank() && !supported(type, baseName(name)))
                .sorted()
                .toList();
        if (unsupported.isEmpty()) {
            return;
        }
        if (!lenient(request)) {
            throw new InvalidRequestException("This server does not support the search parameter"
                    + (unsupported.size() == 1 ? " " : "s ") + String.join(", ", unsupported) + " on " + type
                    + ". Send Prefer: handling=lenient to have unsupported parameters ignored. Supported here: "
                    + supportedNames(type) + ".");
        }
        Map<String, String[]> kept = new LinkedHashMap<>(request.getParameters());
        unsupported.forEach(kept::remove);
        request.setParameters(kept);
        request.getUserData().put(IGNORED, unsupported);
    }

    /** The first page says what was left out; later pages come from the stored search, which never had it. */
    @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
    public boolean reportIgnored(RequestDetails request, ResponseDetails response) {
        @SuppressWarnings("unchecked")
        List<String> ignored = (List<String>) request.getUserData().get(IGNORED);
        if (ignored != null && response.getResponseResource() instanceof Bundle bundle) {
            OperationOutcome outcome = new OperationOutcome();
            for (String name : ignored) {
                outcome.addIssue()
                        .setSeverity(OperationOutcome.IssueSeverity.WARNING)
                        .setCode(OperationOutcome.IssueType.NOTSUPPORTED)
                        .setDiagnostics("The search parameter " + name + " is not supported on "
                                + request.getResourceName() + " and was ignored (Prefer: handling=lenient).");
            }
            bundle.addEntry().setResource(outcome).getSearch().setMode(Bundle.SearchEntryMode.OUTCOME);
        }
        return true;
    }

    private boolean supported(String type, String name) {
        if (AnswerParameters.NAMES.contains(name) || OTHER_FILTERS.contains(name)) {
            return true;
        }
        return registry.getActiveSearchParam(type, name, ISearchParamRegistry.SearchParamLookupContextEnum.SEARCH)
                != null;
    }

    private String supportedNames(String type) {
        Set<String> names = new TreeSet<>(AnswerParameters.NAMES);
        names.addAll(OTHER_FILTERS);
        names.addAll(registry.getActiveSearchParams(type, ISearchParamRegistry.SearchParamLookupContextEnum.SEARCH)
                .getSearchParamNames());
        return String.join(", ", names);
    }

    /** The parameter without its modifier or chain: {@code subject:Patient.name} is {@code subject}. */
    private static String baseName(String name) {
        return name.split("[:.]", 2)[0];
    }

    private static boolean lenient(RequestDetails request) {
        List<String> prefer = request.getHeaders(Constants.HEADER_PREFER);
        return prefer != null && !prefer.isEmpty()
                && RestfulServerUtils.parsePreferHeader(String.join(",", prefer)).getHanding()
                        == PreferHandlingEnum.LENIENT;
    }
}
