package org.resistancecds.cohort;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.util.FhirTerser;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseReference;
import org.hl7.fhir.r4.model.Bundle;

/**
 * A transaction Bundle too large for one request, sent as consecutive transactions of at most {@code maxEntries}
 * entries. Entries are put in dependency order (a resource after those it references by {@code urn:uuid}), and
 * before each chunk is sent its {@code urn:uuid} references are rewritten to the ids the server assigned in earlier
 * chunks, so references stay resolvable. Conditional references ({@code Practitioner?identifier=...}) are left to
 * the server. Not atomic as a whole: each chunk is; a failed chunk stops the rest.
 */
public final class ChunkedTransaction {

    private final FhirTerser terser;
    private final List<Bundle.BundleEntryComponent> ordered;
    private final int maxEntries;
    private final Map<String, String> assigned = new HashMap<>();
    private int next;

    public ChunkedTransaction(FhirContext fhirContext, Bundle transaction, int maxEntries) {
        this.terser = fhirContext.newTerser();
        this.maxEntries = maxEntries;
        this.ordered = dependencyOrder(transaction.getEntry());
    }

    public boolean hasNext() {
        return next < ordered.size();
    }

    /** The next chunk, its references to earlier chunks already rewritten. */
    public Bundle nextChunk() {
        Bundle chunk = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        int end = Math.min(ordered.size(), next + maxEntries);
        for (Bundle.BundleEntryComponent entry : ordered.subList(next, end)) {
            for (var info : terser.getAllResourceReferences(entry.getResource())) {
                IBaseReference reference = info.getResourceReference();
                String target = reference.getReferenceElement().getValue();
                if (target != null && assigned.containsKey(target)) {
                    reference.setReference(assigned.get(target));
                }
            }
            chunk.addEntry(entry);
        }
        next = end;
        return chunk;
    }

    /** Records the ids the server gave to the last chunk's entries (response entries are in request order). */
    public void accept(Bundle sentChunk, Bundle response) {
        for (int i = 0; i < sentChunk.getEntry().size() && i < response.getEntry().size(); i++) {
            String fullUrl = sentChunk.getEntry().get(i).getFullUrl();
            String location = response.getEntry().get(i).getResponse().getLocation();
            if (fullUrl != null && location != null) {
                assigned.put(fullUrl, withoutVersion(location));
            }
        }
    }

    public Map<String, String> assignedIds() {
        return assigned;
    }

    static String withoutVersion(String location) {
        int history = location.indexOf("/_history");
        return history < 0 ? location : location.substring(0, history);
    }

    /** Depth-first post-order over urn:uuid references; a reference cycle keeps the entries' original order. */
    private List<Bundle.BundleEntryComponent> dependencyOrder(List<Bundle.BundleEntryComponent> entries) {
        Map<String, Bundle.BundleEntryComponent> byUrl = new LinkedHashMap<>();
        for (Bundle.BundleEntryComponent entry : entries) {
            if (entry.getFullUrl() != null) {
                byUrl.put(entry.getFullUrl(), entry);
            }
        }
        List<Bundle.BundleEntryComponent> result = new ArrayList<>(entries.size());
        Set<Bundle.BundleEntryComponent> visited = new HashSet<>();
        for (Bundle.BundleEntryComponent entry : entries) {
            visit(entry, byUrl, visited, result);
        }
        return result;
    }

    private void visit(Bundle.BundleEntryComponent start, Map<String, Bundle.BundleEntryComponent> byUrl,
            Set<Bundle.BundleEntryComponent> visited, List<Bundle.BundleEntryComponent> result) {
        // Iterative, so a long chain of references cannot overflow the stack.
        record Frame(Bundle.BundleEntryComponent entry, List<Bundle.BundleEntryComponent> dependencies, int at) {}
        if (!visited.add(start)) {
            return;
        }
        List<Frame> stack = new ArrayList<>();
        stack.add(new Frame(start, dependencies(start, byUrl), 0));
        while (!stack.isEmpty()) {
            Frame top = stack.remove(stack.size() - 1);
            if (top.at < top.dependencies.size()) {
                stack.add(new Frame(top.entry, top.dependencies, top.at + 1));
                Bundle.BundleEntryComponent dependency = top.dependencies.get(top.at);
                if (visited.add(dependency)) {
                    stack.add(new Frame(dependency, dependencies(dependency, byUrl), 0));
                }
            } else {
                result.add(top.entry);
            }
        }
    }

    private List<Bundle.BundleEntryComponent> dependencies(
            Bundle.BundleEntryComponent entry, Map<String, Bundle.BundleEntryComponent> byUrl) {
        List<Bundle.BundleEntryComponent> dependencies = new ArrayList<>();
        if (entry.getResource() == null) {
            return dependencies;
        }
        for (var info : terser.getAllResourceReferences(entry.getResource())) {
            String target = info.getResourceReference().getReferenceElement().getValue();
            Bundle.BundleEntryComponent dependency = target == null ? null : byUrl.get(target);
            if (dependency != null && dependency != entry) {
                dependencies.add(dependency);
            }
        }
        return dependencies;
    }
}
