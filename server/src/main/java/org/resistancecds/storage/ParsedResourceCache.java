package org.resistancecds.storage;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.dao.IJpaStorageResourceParser;
import ca.uhn.fhir.jpa.dao.IResourceMetadataExtractorSvc;
import ca.uhn.fhir.jpa.dao.IResourceMetadataExtractorSvc.ProvenanceDetails;
import ca.uhn.fhir.jpa.esr.ExternallyStoredResourceServiceRegistry;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.model.dao.JpaPid;
import ca.uhn.fhir.jpa.model.entity.BaseTag;
import ca.uhn.fhir.jpa.model.entity.ResourceEncodingEnum;
import ca.uhn.fhir.jpa.model.entity.ResourceHistoryTable;
import ca.uhn.fhir.jpa.partition.IPartitionLookupSvc;
import ca.uhn.fhir.jpa.search.BatchResourceLoader;
import ca.uhn.fhir.util.IMetaTagSorter;
import ca.uhn.fhir.util.MetaUtil;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.DomainResource;

/**
 * HAPI's loader of search results (matches and includes), keeping the parsed form of each stored resource version
 * so the next search that finds it copies it instead of parsing its JSON again.
 *
 * <p>Every search still runs its SQL and loads the current rows; only the parse is saved. A stored version row's
 * text never changes, so the key is the resource's database id, its version and the version row's id. Tags are
 * the one part of a loaded resource that can change without a new version ({@code $meta-add} with HAPI's default
 * non-versioned tags): a hit is given the tags of the current load, as HAPI's loader gives them to a freshly parsed
 * resource, and a version kept without tags, profiles or security labels is kept apart from the same version once
 * it has some. Not kept: deleted and externally stored resources, history results, resources with contained
 * resources (the parser links their local references to the contained objects, which a copy does not keep), and
 * anything when partitioning is on.
 */
public final class ParsedResourceCache extends BatchResourceLoader {

    /**
     * The version row's own database id is part of the key: a version number can be written twice. A transaction that
     * is rolled back after a search inside it loaded its new version (HAPI's transaction hooks search so) leaves that
     * parse behind under the version number the next committed write reuses, while the row id comes from a sequence
     * and is never given out again.
     */
    private record Key(long pid, Integer partition, long version, long versionRow, boolean tagged) {}

    private record Kept(DomainResource resource, int textLength) {}

    private final FhirContext fhirContext;
    private final IResourceMetadataExtractorSvc metadata;
    private final IJpaStorageResourceParser storageParser;
    private final IMetaTagSorter tagSorter;
    private final boolean partitioned;
    private final Cache<Key, Kept> parsed;

    public ParsedResourceCache(
            FhirContext fhirContext,
            IResourceMetadataExtractorSvc metadata,
            IJpaStorageResourceParser storageParser,
            ExternallyStoredResourceServiceRegistry externalStorage,
            IMetaTagSorter tagSorter,
            PartitionSettings partitionSettings,
            IPartitionLookupSvc partitionLookup,
            long maxTextChars) {
        super(fhirContext, metadata, storageParser, externalStorage, tagSorter, partitionSettings, partitionLookup);
        this.fhirContext = fhirContext;
        this.metadata = metadata;
        this.storageParser = storageParser;
        this.tagSorter = tagSorter;
        this.partitioned = partitionSettings.isPartitioningEnabled();
        // Weighed by the stored text's length: a parsed resource takes a roughly proportional share of the heap.
        this.parsed = Caffeine.newBuilder()
                .maximumWeight(maxTextChars)
                .weigher((Key key, Kept kept) -> kept.textLength())
                .recordStats()
                .build();
    }

    @Override
    public List<ResourceLoadResult> loadResources(List<ResourceHistoryTable> rows, boolean forHistoryOperation) {
        if (forHistoryOperation || partitioned) {
            return super.loadResources(rows, forHistoryOperation);
        }
        Map<JpaPid, Collection<BaseTag>> tags = metadata.getTagsBatch(rows);
        List<ResourceLoadResult> results = new ArrayList<>(rows.size());
        List<ResourceHistoryTable> toParse = new ArrayList<>();
        Map<JpaPid, ResourceHistoryTable> parsedRows = new HashMap<>();
        for (ResourceHistoryTable row : rows) {
            Collection<BaseTag> rowTags = tags.get(row.getPersistentId());
            boolean tagged = rowTags != null && !rowTags.isEmpty();
            Kept kept = keepable(row) ? parsed.getIfPresent(key(row, tagged)) : null;
            if (kept == null) {
                toParse.add(row);
                parsedRows.put(row.getPersistentId(), row);
            } else {
                results.add(new ResourceLoadResult(row.getPersistentId(), fromKept(kept.resource(), row, rowTags), false));
            }
        }
        if (!toParse.isEmpty()) {
            for (ResourceLoadResult result : super.loadResources(toParse, false)) {
                ResourceHistoryTable row = parsedRows.get(result.pid());
                if (row != null && keepable(row) && !result.isDeleted()
                        && result.resource() instanceof DomainResource resource && !resource.hasContained()) {
                    // The key's tag flag is read from what HAPI's loader produced, not from the tags read above: a
                    // tag written between the two reads must not be kept under the untagged key.
                    parsed.put(key(row, hasTags(resource)), new Kept(resource.copy(), textLength(row)));
                }
                results.add(result);
            }
        }
        return results;
    }

    private static boolean keepable(ResourceHistoryTable row) {
        return row.getDeleted() == null
                && row.getEncoding() != ResourceEncodingEnum.DEL
                && row.getEncoding() != ResourceEncodingEnum.ESR;
    }

    private static Key key(ResourceHistoryTable row, boolean tagged) {
        JpaPid pid = row.getPersistentId();
        return new Key(pid.getId(), pid.getPartitionId(), row.getVersion(), row.getId().getId(), tagged);
    }

    /** What HAPI's loader makes of a freshly parsed resource, done to a copy of the kept one. */
    private IBaseResource fromKept(DomainResource kept, ResourceHistoryTable row, Collection<BaseTag> rowTags) {
        DomainResource copy = kept.copy();
        storageParser.populateResourceMetadata(row, false, rowTags, row.getVersion(), copy);
        ProvenanceDetails provenance = metadata.getProvenanceDetails(row);
        MetaUtil.populateResourceSource(
                fhirContext, provenance.provenanceSourceUri(), provenance.provenanceRequestId(), copy);
        tagSorter.sort(copy.getMeta());
        return copy;
    }

    private static boolean hasTags(DomainResource resource) {
        return resource.hasMeta()
                && (resource.getMeta().hasTag() || resource.getMeta().hasProfile() || resource.getMeta().hasSecurity());
    }

    private static int textLength(ResourceHistoryTable row) {
        if (row.getResourceTextVc() != null) {
            return Math.max(1, row.getResourceTextVc().length());
        }
        byte[] stored = row.getResource();
        return stored == null ? 1 : Math.max(1, stored.length);
    }

    /** Loads answered from a kept resource since start (for tests and diagnostics). */
    public long hits() {
        return parsed.stats().hitCount();
    }
}
