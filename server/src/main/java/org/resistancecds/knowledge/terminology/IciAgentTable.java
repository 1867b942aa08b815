package org.resistancecds.knowledge.terminology;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ConceptMap;
import org.resistancecds.knowledge.KnowledgeException;

/** Recognises ICI agents by RxNorm or ATC code, or by ingredient name (ConceptMap ici-agent-target). */
public final class IciAgentTable {

    private final Map<String, IciAgent> byCode;
    private final Map<Pattern, IciAgent> byName;

    private IciAgentTable(Map<String, IciAgent> byCode, Map<String, IciAgent> byName) {
        this.byCode = Map.copyOf(byCode);
        Map<Pattern, IciAgent> patterns = new HashMap<>();
        byName.forEach((name, agent) -> patterns.put(Pattern.compile("\\b" + Pattern.quote(name) + "\\b"), agent));
        this.byName = Map.copyOf(patterns);
    }

    public static IciAgentTable from(ConceptMap map) {
        Map<String, List<MapRow>> rowsByName = new LinkedHashMap<>();
        for (MapRow row : MapRow.of(map)) {
            if (row.sourceDisplay() == null || !TerminologySystems.isHgnc(row.targetSystem())) {
                throw new KnowledgeException(map.getUrl() + ": " + row.sourceCode()
                        + " needs the ingredient name as display and an HGNC target");
            }
            rowsByName.computeIfAbsent(row.sourceDisplay().toLowerCase(Locale.ROOT), n -> new ArrayList<>()).add(row);
        }
        Map<String, IciAgent> byCode = new HashMap<>();
        Map<String, IciAgent> byName = new HashMap<>();
        rowsByName.forEach((name, rows) -> {
            if (rows.stream().map(MapRow::targetCode).distinct().count() != 1) {
                throw new KnowledgeException(map.getUrl() + ": " + name + " maps to more than one target");
            }
            List<Coding> codes = rows.stream()
                    .map(r -> new Coding(r.sourceSystem(), r.sourceCode(), r.sourceDisplay()))
                    .toList();
            IciAgent agent = new IciAgent(name, rows.get(0).targetCode(), rows.get(0).targetDisplay(), codes);
            rows.forEach(r -> byCode.put(key(r.sourceSystem(), r.sourceCode()), agent));
            byName.put(name, agent);
        });
        return new IciAgentTable(byCode, byName);
    }

    /** The agent a medication concept names: by a coding first, then by its text or displays. */
    public Optional<IciAgent> find(CodeableConcept concept) {
        if (concept == null) {
            return Optional.empty();
        }
        for (Coding coding : concept.getCoding()) {
            IciAgent agent = byCode.get(key(coding.getSystem(), coding.getCode()));
            if (agent != null) {
                return Optional.of(agent);
            }
        }
        List<String> texts = new ArrayList<>();
        texts.add(concept.getText());
        concept.getCoding().forEach(c -> texts.add(c.getDisplay()));
        return texts.stream().map(this::findByName).flatMap(Optional::stream).findFirst();
    }

    /** Matches an ingredient name as a whole word, e.g. "Keytruda (pembrolizumab) 200 mg". */
    private Optional<IciAgent> findByName(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        String lower = text.toLowerCase(Locale.ROOT);
        return byName.entrySet().stream()
                .filter(e -> e.getKey().matcher(lower).find())
                .map(Map.Entry::getValue)
                .findFirst();
    }

    private static String key(String system, String code) {
        return system + "|" + code;
    }
}
