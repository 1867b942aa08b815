package org.resistancecds.cds;

import ca.uhn.hapi.fhir.cdshooks.api.json.CdsServiceJson;
import ca.uhn.hapi.fhir.cdshooks.api.json.CdsServicesJson;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The services this server offers, by id; the discovery document is built once from them. */
public final class CdsServiceCatalog {

    private final Map<String, CdsService> services = new LinkedHashMap<>();
    private final CdsServicesJson discovery = new CdsServicesJson();

    public CdsServiceCatalog(List<CdsService> services) {
        for (CdsService service : services) {
            CdsServiceDefinition definition = service.definition();
            if (this.services.putIfAbsent(definition.id(), service) != null) {
                throw new IllegalStateException("two CDS services share the id " + definition.id());
            }
            CdsServiceJson entry = new DiscoveredService(definition.usageRequirements())
                    .setId(definition.id())
                    .setHook(definition.hook())
                    .setTitle(definition.title())
                    .setDescription(definition.description());
            definition.prefetch().forEach(entry::addPrefetch);
            discovery.addService(entry);
        }
    }

    public Optional<CdsService> find(String id) {
        return Optional.ofNullable(services.get(id));
    }

    /** The discovery document ({@code GET /cds-services}). */
    public CdsServicesJson discovery() {
        return discovery;
    }

    /** A discovery entry with CDS Hooks 2.0's {@code usageRequirements}, which HAPI's type lacks. */
    private static final class DiscoveredService extends CdsServiceJson {

        @JsonProperty("usageRequirements")
        @JsonInclude(JsonInclude.Include.NON_NULL)
        private final String usageRequirements;

        DiscoveredService(String usageRequirements) {
            this.usageRequirements = usageRequirements;
        }
    }
}
