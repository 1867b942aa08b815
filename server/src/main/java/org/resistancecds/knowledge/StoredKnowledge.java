package org.resistancecds.knowledge;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.MetadataResource;

/** The knowledge resources stored in the database: this project's canonical resources the engine compiles. */
final class StoredKnowledge {

    private StoredKnowledge() {}

    static boolean isKnowledge(IBaseResource resource) {
        return resource instanceof MetadataResource canonical
                && KnowledgeCodes.KNOWLEDGE_TYPES.contains(canonical.fhirType())
                && canonical.getUrl() != null
                && canonical.getUrl().startsWith(KnowledgeCodes.BASE + "/");
    }

    static List<IBaseResource> read(DaoRegistry daoRegistry) {
        List<IBaseResource> resources = new ArrayList<>();
        for (String type : KnowledgeCodes.KNOWLEDGE_TYPES) {
            IFhirResourceDao<?> dao = daoRegistry.getResourceDao(type);
            for (IBaseResource resource :
                    dao.searchForResources(SearchParameterMap.newSynchronous(), new SystemRequestDetails())) {
                if (isKnowledge(resource)) {
                    resources.add(resource);
                }
            }
        }
        return resources;
    }
}
