package org.resistancecds.storage;

import ca.uhn.fhir.jpa.dao.data.IResourceHistoryTableDao;
import ca.uhn.fhir.jpa.model.dao.JpaPid;
import ca.uhn.fhir.jpa.model.entity.ResourceHistoryTable;
import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * HAPI's history-table repository with one query replaced: the load of the current versions of the resources a
 * search found ({@code findCurrentVersionsByResourcePidsAndFetchResourceTable}), which every search runs.
 *
 * <p>Why: HAPI's query takes the row ids as one list parameter ({@code IN (:pids)}), and Hibernate 6.6 keeps no
 * plan for a query with a list parameter, so it translated that query from HQL to SQL on every search (9.8 % of the
 * CPU of a CDS call that reads 200 resources, in an async-profiler recording). HAPI pads the list to one of a few
 * lengths; here each of those lengths gets its own query text with one parameter per id, whose plan Hibernate keeps.
 * Same statement, same rows. Any other length, and a call outside a transaction, goes to HAPI's own query, as do all
 * the repository's other methods. If a HAPI upgrade renames the method, everything goes to HAPI's query again;
 * {@code CurrentVersionQueryIT} then fails, as it does if Hibernate keeps no plan for one of the lengths.
 */
public final class CurrentVersionQuery implements InvocationHandler {

    // The lengths HAPI's InClauseNormalizer pads to (and its largest chunk).
    static final Set<Integer> PADDED_LENGTHS = Set.of(1, 10, 50, 100, 200, 500, 800);

    private static final String METHOD = "findCurrentVersionsByResourcePidsAndFetchResourceTable";

    private final IResourceHistoryTableDao original;
    private final EntityManager entityManager;
    private final Map<Integer, String> queries = new ConcurrentHashMap<>();
    private final LongAdder answered = new LongAdder();

    private CurrentVersionQuery(IResourceHistoryTableDao original, EntityManager entityManager) {
        this.original = original;
        this.entityManager = entityManager;
    }

    /** The repository to inject in HAPI's place; {@code entityManager} must be the shared, transaction-bound one. */
    public static IResourceHistoryTableDao wrap(IResourceHistoryTableDao original, EntityManager entityManager) {
        return (IResourceHistoryTableDao) Proxy.newProxyInstance(
                IResourceHistoryTableDao.class.getClassLoader(),
                new Class<?>[] {IResourceHistoryTableDao.class},
                new CurrentVersionQuery(original, entityManager));
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getName().equals(METHOD) && args != null && args.length == 1 && args[0] instanceof List<?> pids
                && PADDED_LENGTHS.contains(pids.size())
                && TransactionSynchronizationManager.isActualTransactionActive()) {
            return currentVersions((List<JpaPid>) pids);
        }
        if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                default -> "CurrentVersionQuery(" + original + ")";
            };
        }
        try {
            return method.invoke(original, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** Loads answered by the fixed-length queries since start (for tests and diagnostics). */
    public long answered() {
        return answered.sum();
    }

    private List<ResourceHistoryTable> currentVersions(List<JpaPid> pids) {
        answered.increment();
        TypedQuery<ResourceHistoryTable> query =
                entityManager.createQuery(queries.computeIfAbsent(pids.size(), CurrentVersionQuery::text),
                        ResourceHistoryTable.class);
        for (int i = 0; i < pids.size(); i++) {
            query.setParameter(i + 1, pids.get(i));
        }
        return query.getResultList();
    }

    /**
     * HAPI's query, with {@code length} positional parameters in place of the list. One id is compared with
     * {@code =}: Hibernate keeps no plan for {@code IN (?1)} either, since a sole parameter in an {@code IN} may be
     * bound to a list.
     */
    static String text(int length) {
        String match = length == 1
                ? "t.myPid = ?1"
                : "t.myPid IN (" + IntStream.rangeClosed(1, length).mapToObj(i -> "?" + i)
                        .collect(Collectors.joining(", ")) + ")";
        return "SELECT v FROM ResourceHistoryTable v JOIN FETCH v.myResourceTable t WHERE " + match
                + " AND t.myVersion = v.myResourceVersion";
    }
}
