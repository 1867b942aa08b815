package org.resistancecds.cds.request;

import static org.resistancecds.cds.CdsHooksException.badRequest;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;
import org.resistancecds.cds.CdsHooksException;
import org.resistancecds.cds.CdsJson;

/**
 * Checks a CDS Hooks 2.0 request body against the specification and the hook's context definition, and turns
 * it into a {@link HookRequest}. Every problem is a 400 whose message names the offending field.
 */
public final class HookRequestParser {

    /** Hooks this server answers, with the context fields each one requires beyond userId and patientId. */
    public static final Set<String> HOOKS = Set.of("patient-view", "order-select", "order-sign");

    /** CDS Hooks 2.0: "A universally unique identifier (UUID) for this particular hook call". */
    private static final Pattern UUID_TEXT =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
    private static final Pattern USER_REFERENCE =
            Pattern.compile("(Practitioner|PractitionerRole|Patient|RelatedPerson)/[A-Za-z0-9\\-.]{1,64}");
    private static final Pattern RESOURCE_REFERENCE = Pattern.compile("[A-Z][A-Za-z]+/[A-Za-z0-9\\-.]{1,64}");

    private final CdsJson json;

    /** Most resources one prefetch key may hold, sent as fetched (resistance.cds.prefetch.max-resources). */
    private final int maxResources;

    public HookRequestParser(CdsJson json, int maxResources) {
        this.json = json;
        this.maxResources = maxResources;
    }

    /**
     * Parses a call to a service.
     *
     * @param body the request body as a JSON tree
     * @param serviceHook the hook the called service answers
     * @param prefetchTemplates the service's prefetch templates by key; other keys in {@code prefetch} are ignored
     *     unread
     */
    public HookRequest parse(JsonNode body, String serviceHook, Map<String, String> prefetchTemplates) {
        if (!body.isObject()) {
            throw badRequest("The request body must be a JSON object.");
        }
        String hook = requiredText(body, "hook", "hook");
        if (!hook.equals(serviceHook)) {
            throw badRequest("hook is '" + hook + "', but this service answers '" + serviceHook + "'.");
        }
        String hookInstance = requiredText(body, "hookInstance", "hookInstance");
        if (!UUID_TEXT.matcher(hookInstance).matches()) {
            throw badRequest("hookInstance must be a UUID (such as 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea'), the "
                    + "client's id of this call, but was '" + shorten(hookInstance) + "'.");
        }
        URI fhirServer = fhirServer(body.get("fhirServer"));
        FhirAuthorization authorization = fhirAuthorization(body.get("fhirAuthorization"));
        if (authorization != null && fhirServer == null) {
            throw badRequest("fhirAuthorization was sent without fhirServer; the specification requires both.");
        }
        JsonNode contextNode = body.get("context");
        if (contextNode == null || contextNode.isNull()) {
            throw badRequest("context is required.");
        }
        if (!contextNode.isObject()) {
            throw badRequest("context must be a JSON object.");
        }
        HookContext context = context(hook, contextNode);

        Map<String, IBaseResource> prefetch = new HashMap<>();
        Set<String> noData = new HashSet<>();
        JsonNode prefetchNode = body.get("prefetch");
        if (prefetchNode != null && !prefetchNode.isNull()) {
            if (!prefetchNode.isObject()) {
                throw badRequest("prefetch must be a JSON object (key to FHIR resource).");
            }
            for (String key : prefetchTemplates.keySet()) {
                if (!prefetchNode.has(key)) {
                    continue;
                }
                JsonNode value = prefetchNode.get(key);
                if (value.isNull()) {
                    noData.add(key);
                    continue;
                }
                // Counted before the parse: 8 calls of 19,000 sent Observations each ran the heap out.
                int entries = value.path("entry").size();
                if (entries > maxResources) {
                    throw badRequest("prefetch." + key + " holds " + entries + " resources; this "
                            + "service reads at most " + maxResources + " per key, sent or fetched "
                            + "(resistance.cds.prefetch.max-resources).");
                }
                IBaseResource resource = json.parseResource(value, "prefetch." + key);
                // An OperationOutcome reports that the client could not fetch the key: it stays missing.
                if (!(resource instanceof OperationOutcome)) {
                    PrefetchCheck.check(key, prefetchTemplates.get(key), resource, context.patientId(),
                            CdsHooksException::badRequest);
                    prefetch.put(key, resource);
                }
            }
        }
        return new HookRequest(hook, hookInstance, fhirServer, authorization, context, prefetch, noData);
    }

    private HookContext context(String hook, JsonNode context) {
        Map<String, String> tokens = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : context.properties()) {
            if (field.getValue().isValueNode() && !field.getValue().isNull()) {
                tokens.put(field.getKey(), field.getValue().asText());
            }
        }
        String userId = requiredText(context, "userId", "context.userId");
        if (!USER_REFERENCE.matcher(userId).matches()) {
            throw badRequest("context.userId must be a reference such as 'Practitioner/123' (Practitioner, "
                    + "PractitionerRole, Patient or RelatedPerson), but was '" + shorten(userId) + "'.");
        }
        String patientId = requiredText(context, "patientId", "context.patientId");
        if (!FHIR_ID.matcher(patientId).matches()) {
            throw badRequest("context.patientId must be a FHIR logical id such as '1288992' (letters, digits, "
                    + "'-' and '.', at most 64), but was '" + shorten(patientId) + "'.");
        }
        String encounterId = optionalText(context, "encounterId", "context.encounterId");
        if (encounterId != null && !FHIR_ID.matcher(encounterId).matches()) {
            throw badRequest("context.encounterId must be a FHIR logical id, but was '" + shorten(encounterId) + "'.");
        }

        List<String> selections = List.of();
        List<DraftOrder> draftOrders = List.of();
        if (hook.equals("order-select") || hook.equals("order-sign")) {
            draftOrders = draftOrders(context.get("draftOrders"));
            // An order for another patient would be checked against this patient's record.
            for (int i = 0; i < draftOrders.size(); i++) {
                PrefetchCheck.requireSamePatient(
                        "context.draftOrders.entry[" + i + "]", draftOrders.get(i).resource(), patientId,
                        CdsHooksException::badRequest);
            }
        }
        if (hook.equals("order-select")) {
            selections = selections(context.get("selections"), draftOrders);
        }
        List<Resource> orders = draftOrders.stream().map(DraftOrder::resource).toList();
        Set<String> selected = Set.copyOf(selections);
        List<Resource> selectedOrders = draftOrders.stream()
                .filter(order -> order.names().stream().anyMatch(selected::contains))
                .map(DraftOrder::resource)
                .toList();
        return new HookContext(userId, patientId, encounterId, selections, orders, selectedOrders, tokens);
    }

    /** A draft order with the references a selection may name it by. */
    private record DraftOrder(Resource resource, Set<String> names) {}

    private List<DraftOrder> draftOrders(JsonNode node) {
        if (node == null || node.isNull()) {
            throw badRequest("context.draftOrders is required for this hook (a FHIR Bundle of the draft orders).");
        }
        IBaseResource parsed = json.parseResource(node, "context.draftOrders");
        if (!(parsed instanceof Bundle bundle)) {
            throw badRequest("context.draftOrders must be a FHIR Bundle, but was a " + parsed.fhirType() + ".");
        }
        JsonNode entries = node.path("entry");
        List<DraftOrder> orders = new ArrayList<>();
        Map<String, Integer> firstEntryOf = new HashMap<>();
        for (int i = 0; i < bundle.getEntry().size(); i++) {
            Resource order = bundle.getEntry().get(i).getResource();
            if (order == null) {
                continue;
            }
            Set<String> names = new HashSet<>();
            // HAPI's parser gives an entry's resource its fullUrl as id, so the resource's own id is read from the
            // JSON: a selection names the order by it, whatever the fullUrl (a urn:uuid:, say).
            JsonNode sent = entries.path(i).path("resource");
            if (sent.path("resourceType").asText().equals(order.fhirType()) && sent.path("id").isTextual()) {
                names.add(order.fhirType() + "/" + sent.path("id").asText());
            }
            // A fullUrl that is Type/id or an absolute URL names the order too, as Type/id; any fullUrl names it as
            // written (the specification shows Type/id only, but an EHR may select by the entry's fullUrl).
            if (order.getIdElement().hasIdPart() && !order.getIdElement().getValue().startsWith("urn:")) {
                names.add(order.fhirType() + "/" + order.getIdElement().getIdPart());
            }
            if (bundle.getEntry().get(i).hasFullUrl()) {
                names.add(bundle.getEntry().get(i).getFullUrl());
            }
            for (String name : names) {
                // The same order twice would be checked, and warned about, twice.
                Integer first = firstEntryOf.putIfAbsent(name, i);
                if (first != null) {
                    throw badRequest("context.draftOrders.entry[" + i + "] is " + shorten(name) + " again (as entry["
                            + first + "]); each draft order is sent once.");
                }
            }
            orders.add(new DraftOrder(order, names));
        }
        return orders;
    }

    private static List<String> selections(JsonNode node, List<DraftOrder> draftOrders) {
        if (node == null || node.isNull()) {
            throw badRequest("context.selections is required for order-select (ids of the selected orders).");
        }
        if (!node.isArray() || node.isEmpty()) {
            throw badRequest("context.selections must be a non-empty array of references such as "
                    + "'MedicationRequest/123'.");
        }
        Set<String> draftIds = new HashSet<>();
        draftOrders.forEach(order -> draftIds.addAll(order.names()));
        List<String> selections = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode item = node.get(i);
            if (item.isTextual() && draftIds.contains(item.asText())) {
                selections.add(item.asText());
                continue;
            }
            if (!item.isTextual() || !RESOURCE_REFERENCE.matcher(item.asText()).matches()) {
                throw badRequest("context.selections[" + i + "] must be a reference such as 'MedicationRequest/123', "
                        + "or the fullUrl of an entry in context.draftOrders.");
            }
            throw badRequest("context.selections[" + i + "] '" + item.asText()
                    + "' is not one of the resources in context.draftOrders.");
        }
        return selections;
    }

    private static URI fhirServer(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw badRequest("fhirServer must be a string (the base URL of the client's FHIR server).");
        }
        String text = node.asText().strip();
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        try {
            URI uri = new URI(text);
            boolean web = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
            if (!web || uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null
                    || uri.getRawUserInfo() != null) {
                throw badRequest("fhirServer must be an absolute http(s) base URL without query, fragment or "
                        + "credentials, but was '" + shorten(text) + "'.");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw badRequest("fhirServer is not a valid URL: '" + shorten(text) + "'.");
        }
    }

    private static FhirAuthorization fhirAuthorization(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw badRequest("fhirAuthorization must be a JSON object.");
        }
        String accessToken = requiredText(node, "access_token", "fhirAuthorization.access_token");
        if (!accessToken.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            // Named, never quoted: the token is a credential. A pasted token's trailing newline had failed the call
            // with a 500 that logged it.
            throw badRequest("fhirAuthorization.access_token holds a space, a control character or a character "
                    + "outside ASCII, which a bearer token (RFC 6750) cannot; check how it was copied.");
        }
        String tokenType = requiredText(node, "token_type", "fhirAuthorization.token_type");
        if (!tokenType.equalsIgnoreCase("Bearer")) {
            throw badRequest("fhirAuthorization.token_type must be 'Bearer', but was '" + shorten(tokenType) + "'.");
        }
        Long expiresIn = null;
        JsonNode expires = node.get("expires_in");
        if (expires != null && !expires.isNull()) {
            if (!expires.isIntegralNumber() || expires.asLong() <= 0) {
                throw badRequest("fhirAuthorization.expires_in must be a positive whole number of seconds.");
            }
            expiresIn = expires.asLong();
        }
        return new FhirAuthorization(
                accessToken,
                tokenType,
                expiresIn,
                optionalText(node, "scope", "fhirAuthorization.scope"),
                optionalText(node, "subject", "fhirAuthorization.subject"),
                optionalText(node, "patient", "fhirAuthorization.patient"));
    }

    private static String requiredText(JsonNode parent, String field, String path) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            throw badRequest(path + " is required.");
        }
        if (!node.isTextual()) {
            throw badRequest(path + " must be a string, but was " + kind(node) + ".");
        }
        if (node.asText().isBlank()) {
            throw badRequest(path + " must not be empty.");
        }
        return node.asText();
    }

    private static String optionalText(JsonNode parent, String field, String path) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw badRequest(path + " must be a string, but was " + kind(node) + ".");
        }
        return node.asText();
    }

    private static String kind(JsonNode node) {
        if (node.isNumber()) {
            return "a number";
        }
        if (node.isBoolean()) {
            return "a boolean";
        }
        if (node.isArray()) {
            return "an array";
        }
        if (node.isObject()) {
            return "an object";
        }
        return node.getNodeType().name().toLowerCase();
    }

    /** Echoes client input in messages, but never much of it. */
    static String shorten(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
