package org.resistancecds.knowledge;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.storage.TransactionDetails;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import jakarta.persistence.EntityManager;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.hibernate.FlushMode;
import org.hibernate.Session;
import org.hl7.fhir.instance.model.api.IBaseBundle;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.resistancecds.bulk.ImportChunks;
import org.resistancecds.config.EntryUrls;
import org.resistancecds.knowledge.plan.CompiledAction;
import org.resistancecds.knowledge.status.ResistanceStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses (422) a client's write or delete of a knowledge resource after which the stored knowledge would not
 * compile. Such a change used to be stored: the engine kept its previous knowledge, the knowledge page showed the
 * broken version, and every later change through the API waited until someone put it right. The check compiles
 * the stored knowledge with the change applied, as {@link StoredKnowledgeWatcher} will; the server's own content
 * installer is not checked (its files were compiled at start). The entries of a transaction Bundle are checked
 * together when the Bundle has been processed, still inside its database transaction, so resources that need
 * each other (a PlanDefinition and the new ActivityDefinition it suggests) may arrive, or leave, together.
 * Knowledge writes take turns from their check to their commit ({@link KnowledgeWriteLock}). Knowledge that
 * compiles is also run over the packaged scenario records, and refused when the engine fails on one of them.
 * Registered with the REST server; knowledge a bulk {@code $import} stores comes through
 * {@link ImportedKnowledgeCheck}.
 */
public class KnowledgeWriteCheck {

    private static final Logger log = LoggerFactory.getLogger(KnowledgeWriteCheck.class);
    private static final String ACQUIRED_RESISTANCE = ResistanceStatus.ACQUIRED_RESISTANCE.code();
    private static final String PENDING = KnowledgeWriteCheck.class.getName() + ".pending";
    private static final String CARRIES_KNOWLEDGE = KnowledgeWriteCheck.class.getName() + ".carriesKnowledge";
    private static final String REFUSED = "With this change the knowledge would not compile, so it was not made (the "
            + "engine would have kept its previous knowledge): ";

    private final FhirContext fhirContext;
    private final DaoRegistry daoRegistry;
    private final KnowledgeWriteLock lock;
    private final EntityManager entityManager;
    /** Read at the first knowledge write, not at start. */
    private List<PackagedScenario> scenarios;

    KnowledgeWriteCheck(FhirContext fhirContext, DaoRegistry daoRegistry, KnowledgeWriteLock lock,
            EntityManager entityManager) {
        this.fhirContext = fhirContext;
        this.daoRegistry = daoRegistry;
        this.lock = lock;
        this.entityManager = entityManager;
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
    public void created(IBaseResource resource, RequestDetails request, TransactionDetails transaction) {
        change(resource, resource, request, transaction);
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
    public void updated(IBaseResource previous, IBaseResource resource, RequestDetails request,
            TransactionDetails transaction) {
        change(previous, resource, request, transaction);
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_DELETED)
    public void deleted(IBaseResource resource, RequestDetails request, TransactionDetails transaction) {
        change(resource, null, request, transaction);
    }

    /** Whether the Bundle (or the one batch entry HAPI runs as a transaction) carries knowledge, before it runs. */
    @Hook(Pointcut.STORAGE_TRANSACTION_PROCESSING)
    public void bundleArriving(IBaseBundle bundle, RequestDetails request) {
        if (request != null) {
            request.getUserData().put(CARRIES_KNOWLEDGE, carriesKnowledge(bundle));
        }
    }

    @Hook(Pointcut.STORAGE_TRANSACTION_PROCESSED)
    public void transactionProcessed(TransactionDetails transaction) {
        Map<String, IBaseResource> pending = transaction.getUserData(PENDING);
        if (pending != null) {
            transaction.clearUserData(PENDING);
            check(pending);
        }
    }

    /** {@code replaced} leaves the stored knowledge, {@code stored} (null for a delete) takes its place. */
    private void change(IBaseResource replaced, IBaseResource stored, RequestDetails request,
            TransactionDetails transaction) {
        // A bulk import's chunk comes through ImportedKnowledgeCheck.
        if (!ImportChunks.isClientWrite(request)) {
            return;
        }
        boolean inBundle = transaction != null && transaction.isAcceptingDeferredInterceptorBroadcasts();
        if (inBundle && Boolean.TRUE.equals(request.getUserData().get(CARRIES_KNOWLEDGE))) {
            // A Bundle that carries knowledge takes its turn at its first write, whatever its type, as a lone write
            // takes it before its row: a Bundle that had written rows (a conditional create's unique row) while
            // waiting for the turn could wait on a writer that waits on those rows.
            lock.holdUntilTransactionEnds();
        }
        if (!(StoredKnowledge.isKnowledge(replaced) || StoredKnowledge.isKnowledge(stored))) {
            return;
        }
        IBaseResource kept = stored != null && StoredKnowledge.isKnowledge(stored) ? stored : null;
        if (inBundle) {
            lock.holdUntilTransactionEnds(); // held already, unless the Bundle's content did not tell
            Map<String, IBaseResource> pending = transaction.getOrCreateUserData(PENDING, LinkedHashMap::new);
            pending.put(key(replaced), kept);
        } else {
            check(Collections.singletonMap(key(replaced), kept));
        }
    }

    /** Compiles the stored knowledge with each key's resource replaced by the given one (null: removed). */
    private void check(Map<String, IBaseResource> changes) {
        // Read after the turn is ours, so a change another writer committed meanwhile is part of what is compiled.
        lock.holdUntilTransactionEnds();
        List<IBaseResource> knowledge = new ArrayList<>();
        for (IBaseResource resource : readWithoutFlush()) {
            if (!changes.containsKey(key(resource))) {
                knowledge.add(resource);
            }
        }
        changes.values().stream().filter(Objects::nonNull).forEach(knowledge::add);
        KnowledgeBase compiled;
        try {
            compiled = KnowledgeLoader.load(fhirContext, knowledge);
        } catch (KnowledgeException e) {
            throw new UnprocessableEntityException(REFUSED + e.getMessage());
        } catch (RuntimeException e) {
            // A case the compiler does not word for the client: refused all the same, the details kept in the log.
            String incident = UUID.randomUUID().toString();
            log.error("Knowledge write refused: the compiler failed on it (incident {})", incident, e);
            throw new UnprocessableEntityException(REFUSED + "the compiler failed on it (incident " + incident
                    + " in the server log). Try the change with the evaluate command.");
        }
        tryOnTheScenarios(compiled);
    }

    /**
     * Knowledge that compiles can still fail on some records ({@code %mechanisms.single()} for a patient with two
     * mechanisms): every CDS call and evaluation for such a patient would then fail. So the compiled knowledge is
     * run over the packaged scenario records (copies: an evaluation must not see what another left behind) and a
     * change under which one of them fails is refused. What the engine recommends may change; only failures count.
     */
    private void tryOnTheScenarios(KnowledgeBase compiled) {
        KnowledgeEvaluator evaluator = KnowledgeEvaluator.strict(compiled);
        Set<String> strategies = strategyActions(compiled);
        for (PackagedScenario scenario : scenarios()) {
            Evaluation evaluation;
            try {
                evaluation = evaluator.evaluate(scenario.copy().request(fhirContext));
            } catch (RuntimeException e) {
                String refused = "With this change the knowledge compiles, but the engine fails on the packaged "
                        + "scenario " + scenario.name() + " (examples/scenarios/" + scenario.name() + ".bundle.json), "
                        + "so it was not made: ";
                if (e instanceof KnowledgeException) {
                    throw new UnprocessableEntityException(refused + e.getMessage());
                }
                String incident = UUID.randomUUID().toString();
                log.error("Knowledge write refused: the engine failed on scenario {} (incident {})",
                        scenario.name(), incident, e);
                throw new UnprocessableEntityException(refused + "incident " + incident + " in the server log.");
            }
            outsideAcquiredResistance(scenario, evaluation, strategies);
        }
    }

    /**
     * A treatment strategy is for acquired resistance only; the knowledge says so by a gate (its group's condition),
     * which an author may leave out. An action outside it proposed a PI3K-beta combination to a responding patient.
     */
    private static void outsideAcquiredResistance(PackagedScenario scenario, Evaluation evaluation,
            Set<String> strategies) {
        if (ACQUIRED_RESISTANCE.equals(evaluation.status().code())) {
            return;
        }
        for (Recommendation recommendation : evaluation.recommendations()) {
            if (strategies.contains(recommendation.planDefinition() + "#" + recommendation.actionId())) {
                throw new UnprocessableEntityException("With this change the strategy " + recommendation.planDefinition()
                        + "#" + recommendation.actionId() + " is recommended for the packaged scenario " + scenario.name()
                        + ", whose resistance status is " + evaluation.status().code() + ", so it was not made: an action "
                        + "with a code of " + KnowledgeCodes.STRATEGY_SYSTEM + " belongs under the group whose condition "
                        + "is %statusCode = '" + ACQUIRED_RESISTANCE + "' (docs/knowledge.md).");
            }
        }
    }

    /** {@code plan#action} of every action that proposes a resistance strategy (a code of that CodeSystem). */
    private static Set<String> strategyActions(KnowledgeBase compiled) {
        Set<String> found = new HashSet<>();
        compiled.plans().forEach(plan -> collectStrategies(plan.actions(), found));
        return found;
    }

    private static void collectStrategies(List<CompiledAction> actions, Set<String> found) {
        for (CompiledAction action : actions) {
            if (!action.strategyCodes().isEmpty()) {
                found.add(action.planDefinition() + "#" + action.id());
            }
            collectStrategies(action.children(), found);
        }
    }

    /**
     * The stored knowledge, read without first writing out what this transaction holds unwritten: the change under
     * check is compiled from {@code changes} anyway, and writing it out early made a row another writer had just
     * changed fail here with a 500 instead of HAPI's 409 at commit.
     */
    private List<IBaseResource> readWithoutFlush() {
        Session session = entityManager.unwrap(Session.class);
        FlushMode mode = session.getHibernateFlushMode();
        session.setHibernateFlushMode(FlushMode.COMMIT);
        try {
            return StoredKnowledge.read(daoRegistry);
        } finally {
            session.setHibernateFlushMode(mode);
        }
    }

    /** Whether an entry writes or deletes a resource of a knowledge type (a delete names only its URL). */
    private static boolean carriesKnowledge(IBaseBundle bundle) {
        if (!(bundle instanceof Bundle entries)) {
            return false;
        }
        for (Bundle.BundleEntryComponent entry : entries.getEntry()) {
            String url = EntryUrls.relative(entry.getRequest().getUrl());
            String type = entry.hasResource() ? entry.getResource().fhirType()
                    : url == null ? null : url.split("[/?]", 2)[0];
            if (KnowledgeCodes.KNOWLEDGE_TYPES.contains(type)) {
                return true;
            }
        }
        return false;
    }

    private synchronized List<PackagedScenario> scenarios() {
        if (scenarios == null) {
            scenarios = PackagedScenario.load(fhirContext);
        }
        return scenarios;
    }

    /** Type and id; a resource not yet given an id is its own key. */
    private static String key(IBaseResource resource) {
        String id = resource.getIdElement().getIdPart();
        return resource.fhirType() + "/" + (id != null ? id : "new@" + System.identityHashCode(resource));
    }
}
