package org.resistancecds.config;

import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.provider.JpaCapabilityStatementProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import ca.uhn.fhir.rest.api.CacheControlDirective;
import ca.uhn.fhir.rest.api.Constants;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.CapabilityStatement;

/**
 * HAPI's CapabilityStatement provider, which also answers {@code GET OperationDefinition/[id]} for the definitions
 * it generates, and so hid the stored ones: {@code OperationDefinition/evaluate-resistance} was a 404 although a
 * search by url found it. An id it did not generate is read from the database.
 *
 * <p>The statement names the server's address as the request gives it (no fixed {@code server-address}). HAPI kept
 * one statement for a minute and refreshed it with whichever request came, so one request's {@code Host} header
 * became every caller's address in {@code /fhir/metadata}, the OpenAPI document and the Swagger UI built from it.
 * The statement is kept per address instead, for the last few addresses seen.
 */
public class ServerConformanceProvider extends JpaCapabilityStatementProvider {

    private static final long KEEP_MILLIS = 60_000;
    /** Each statement is about 1.5 MB as JSON; a client sending many Host headers only makes us build more. */
    private static final int ADDRESSES_KEPT = 4;

    private final RestfulServer server;
    private final DaoRegistry daoRegistry;
    private final Map<String, Built> byAddress = Collections.synchronizedMap(new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Built> eldest) {
            return size() > ADDRESSES_KEPT;
        }
    });

    private record Built(CapabilityStatement statement, long until) {}

    public ServerConformanceProvider(
            RestfulServer server,
            IFhirSystemDao<?, ?> systemDao,
            JpaStorageSettings storageSettings,
            ISearchParamRegistry searchParamRegistry,
            IValidationSupport validationSupport,
            DaoRegistry daoRegistry) {
        super(server, systemDao, storageSettings, searchParamRegistry, validationSupport);
        this.server = server;
        this.daoRegistry = daoRegistry;
    }

    @Override
    public IBaseConformance getServerConformance(HttpServletRequest servletRequest, RequestDetails request) {
        if (server.getServerConformanceMethod() != null) {
            server.getServerConformanceMethod().setCacheMillis(0);
        }
        String address = request.getServerBaseForRequest();
        long now = System.currentTimeMillis();
        Built built = byAddress.get(address);
        if (built == null || built.until() < now || new CacheControlDirective()
                .parse(request.getHeaders(Constants.HEADER_CACHE_CONTROL)).isNoCache()) {
            built = new Built((CapabilityStatement) super.getServerConformance(servletRequest, request),
                    now + KEEP_MILLIS);
            byAddress.put(address, built);
        }
        // A copy: the interceptors that complete the statement (CapabilityAdditions and others) change what they get.
        return built.statement().copy();
    }

    @Override
    public IBaseResource readOperationDefinition(IIdType id, RequestDetails request) {
        try {
            return super.readOperationDefinition(id, request);
        } catch (ResourceNotFoundException generatedOnesDoNotHaveIt) {
            return daoRegistry.getResourceDao("OperationDefinition").read(id, request);
        }
    }
}
