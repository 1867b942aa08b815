package org.resistancecds.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.UriParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.Optional;
import org.hl7.fhir.utilities.CanonicalPair;
import org.resistancecds.config.OperationBody;

/**
 * Answers {@code ConceptMap/$translate} naming a map this server does not hold ({@code url}) with a 404 saying so,
 * as {@code $expand} and {@code $lookup} answer for an unknown value set or code system. HAPI answered 200 with
 * {@code result=false} and "No Matches found", which reads as if the map had no entry for the code.
 */
public class TranslateWithUnknownMap {

    private final FhirContext context;
    private final DaoRegistry daoRegistry;

    public TranslateWithUnknownMap(FhirContext context, DaoRegistry daoRegistry) {
        this.context = context;
        this.daoRegistry = daoRegistry;
    }

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
    public void refuseUnknownMap(RequestDetails request) {
        if (!"$translate".equals(request.getOperation()) || !"ConceptMap".equals(request.getResourceName())
                || request.getId() != null) {
            return;
        }
        Optional<String> url = OperationBody.value(request, context, "url");
        if (url.isEmpty() || held(url.get())) {
            return;
        }
        throw new ResourceNotFoundException("This server holds no ConceptMap " + url.get()
                + ". Its concept maps are listed by GET ConceptMap.");
    }

    private boolean held(String url) {
        SearchParameterMap search =
                SearchParameterMap.newSynchronous("url", new UriParam(CanonicalPair.of(url).getUrl()));
        search.setLoadSynchronousUpTo(1);
        return !daoRegistry.getResourceDao("ConceptMap").searchForResources(search, new SystemRequestDetails()).isEmpty();
    }
}
