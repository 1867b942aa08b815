package org.resistancecds.knowledge;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Refuses (422) a client's write or delete of a knowledge resource after which the stored knowledge would not
 * compile. Such a change used to be stored: the engine kept its previous knowledge, the knowledge page showed the
 * broken version, and every later change through the API waited until someone put it right. The check compiles
 * the stored knowledge with the change applied, as {@link StoredKnowledgeWatcher} will; the server's own content
 * installer is not checked (its files were compiled at start). A condition that parses but gives no boolean is
 * found only when evaluated, so it still gets through.
 */
public class KnowledgeWriteCheck {

    private final FhirContext fhirContext;
    private final DaoRegistry daoRegistry;

    public KnowledgeWriteCheck(FhirContext fhirContext, DaoRegistry daoRegistry) {
        this.fhirContext = fhirContext;
        this.daoRegistry = daoRegistry;
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
    public void created(IBaseResource resource, RequestDetails request) {
        check(resource, resource, request);
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
    public void updated(IBaseResource previous, IBaseResource resource, RequestDetails request) {
        check(previous, resource, request);
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_DELETED)
    public void deleted(IBaseResource resource, RequestDetails request) {
        check(resource, null, request);
    }

    /** {@code replaced} leaves the stored knowledge, {@code stored} (null for a delete) takes its place. */
    private void check(IBaseResource replaced, IBaseResource stored, RequestDetails request) {
        boolean fromClient = request instanceof ServletRequestDetails;
        if (!fromClient || !(StoredKnowledge.isKnowledge(replaced) || StoredKnowledge.isKnowledge(stored))) {
            return;
        }
        String id = key(replaced);
        List<IBaseResource> knowledge = new ArrayList<>();
        for (IBaseResource resource : StoredKnowledge.read(daoRegistry)) {
            if (!key(resource).equals(id)) {
                knowledge.add(resource);
            }
        }
        if (stored != null && StoredKnowledge.isKnowledge(stored)) {
            knowledge.add(stored);
        }
        try {
            KnowledgeLoader.load(fhirContext, knowledge);
        } catch (RuntimeException e) {
            throw new UnprocessableEntityException("With this change the knowledge would not compile, so it was "
                    + "not made (the engine would have kept its previous knowledge): " + e.getMessage());
        }
    }

    private static String key(IBaseResource resource) {
        return resource.fhirType() + "/" + resource.getIdElement().getIdPart();
    }
}
