package org.resistancecds.cds;

import ca.uhn.hapi.fhir.cdshooks.api.json.CdsServiceResponseJson;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.resistancecds.audit.AuditAttributes;
import org.resistancecds.cds.feedback.FeedbackEntry;
import org.resistancecds.cds.feedback.FeedbackParser;
import org.resistancecds.cds.feedback.FeedbackStore;
import org.resistancecds.cds.prefetch.LocalFhirServer;
import org.resistancecds.cds.prefetch.PatientData;
import org.resistancecds.cds.prefetch.PrefetchResolver;
import org.resistancecds.cds.request.HookRequest;
import org.resistancecds.cds.request.HookRequestParser;
import org.resistancecds.cds.security.CdsAuthenticationFilter;
import org.resistancecds.config.FhirRestfulServerConfig;
import org.resistancecds.config.FhirServerProperties;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

/**
 * The CDS Hooks 2.0 endpoints: discovery, service calls and feedback.
 *
 * <p>Why not HAPI's {@code CdsHooksController} and service registry: in 8.8.0 they answer unknown services and
 * malformed requests with 500, take a single feedback object instead of the specification's
 * {@code {"feedback": [...]}}, treat a prefetch key sent as {@code null} as present, refuse any http
 * {@code fhirServer} in 2.0 mode (this server itself on loopback included), and fill missing prefetch with a
 * paged search per key. We keep HAPI's CDS Hooks JSON types (discovery, cards, suggestions) and do the request
 * checks, prefetch and errors here, where each status is the one the specification names.
 */
@RestController
@RequestMapping(CdsHooksController.BASE)
public class CdsHooksController {

    public static final String BASE = "/cds-services";

    private final CdsServiceCatalog catalog;
    private final HookRequestParser requestParser;
    private final PrefetchResolver prefetch;
    private final FeedbackParser feedbackParser;
    private final FeedbackStore feedbackStore;
    private final CdsJson json;
    private final CdsHooksProperties properties;
    private final FhirServerProperties fhirProperties;
    private final byte[] discovery;

    public CdsHooksController(
            CdsServiceCatalog catalog,
            HookRequestParser requestParser,
            PrefetchResolver prefetch,
            FeedbackParser feedbackParser,
            FeedbackStore feedbackStore,
            CdsJson json,
            CdsHooksProperties properties,
            FhirServerProperties fhirProperties) {
        this.catalog = catalog;
        this.requestParser = requestParser;
        this.prefetch = prefetch;
        this.feedbackParser = feedbackParser;
        this.feedbackStore = feedbackStore;
        this.json = json;
        this.properties = properties;
        this.fhirProperties = fhirProperties;
        this.discovery = json.write(catalog.discovery());
    }

    @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<byte[]> discovery(HttpServletRequest http) {
        describe(http, "cds-discovery", null);
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(discovery);
    }

    /** JSON only, as CDS Hooks says: other bodies get 415, which also keeps a web page from posting as a form. */
    @PostMapping(value = "/{id}", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<byte[]> call(@PathVariable("id") String id, HttpServletRequest http) {
        describe(http, "cds-call", id);
        CdsService service = service(id);
        CdsServiceDefinition definition = service.definition();
        JsonNode body = json.readTree(body(http));
        HookRequest request = requestParser.parse(body, definition.hook(), definition.prefetch());
        http.setAttribute(AuditAttributes.SUBJECT, request.context().userId());
        http.setAttribute(AuditAttributes.PATIENT, request.context().patientId());
        PatientData data = prefetch.resolve(definition, request, localFhirServer(http));
        CdsServiceResponseJson response = service.call(request, data);
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(json.write(response));
    }

    @PostMapping(value = "/{id}/feedback", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<byte[]> feedback(@PathVariable("id") String id, HttpServletRequest http) {
        describe(http, "cds-feedback", id);
        service(id);
        List<FeedbackEntry> entries = feedbackParser.parse(json.readTree(body(http)));
        Object client = http.getAttribute(CdsAuthenticationFilter.CLIENT_ATTRIBUTE);
        List<String> stored = feedbackStore.store(id, entries, client == null ? null : client.toString());
        // The specification defines no response body; this one tells the client where each entry went.
        List<Map<String, String>> receipt = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            Map<String, String> item = new LinkedHashMap<>();
            item.put("card", entries.get(i).card());
            item.put("stored", stored.get(i));
            receipt.add(item);
        }
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(json.write(Map.of("feedback", receipt)));
    }

    /**
     * Only POST reaches a service, but a client that gets a service id wrong should hear 404 whatever its method,
     * not Spring's 405, which would suggest the service exists.
     */
    @RequestMapping(value = {"/{id}", "/{id}/feedback"},
            method = {RequestMethod.GET, RequestMethod.PUT, RequestMethod.PATCH, RequestMethod.DELETE})
    public ResponseEntity<byte[]> notPost(@PathVariable("id") String id, HttpServletRequest http)
            throws HttpRequestMethodNotSupportedException {
        describe(http, http.getRequestURI().endsWith("/feedback") ? "cds-feedback" : "cds-call", id);
        service(id);
        throw new HttpRequestMethodNotSupportedException(http.getMethod(), List.of("POST"));
    }

    /** What a service takes; without this, Spring's answer would list the methods {@link #notPost} refuses. */
    @RequestMapping(value = {"/{id}", "/{id}/feedback"}, method = RequestMethod.OPTIONS)
    public ResponseEntity<Void> options(@PathVariable("id") String id) {
        service(id);
        return ResponseEntity.ok().allow(HttpMethod.POST, HttpMethod.OPTIONS).build();
    }

    /** What the audit record says this call was, and which CDS client made it. */
    private static void describe(HttpServletRequest http, String action, String serviceId) {
        http.setAttribute(AuditAttributes.ACTION, action);
        http.setAttribute(AuditAttributes.OPERATION, serviceId == null ? null : shorten(serviceId));
        http.setAttribute(AuditAttributes.CLIENT, http.getAttribute(CdsAuthenticationFilter.CLIENT_ATTRIBUTE));
    }

    private CdsService service(String id) {
        return catalog.find(id)
                .orElseThrow(() -> new CdsHooksException(404, "No CDS service '" + shorten(id)
                        + "' on this server; GET " + BASE + " lists the services."));
    }

    private static CdsHooksException tooLarge(long limit) {
        return new CdsHooksException(413, "The request body exceeds " + limit + " bytes (setting "
                + "resistance.cds.max-request-bytes). Send the prefetch for this patient only, or let the service "
                + "read the data through fhirServer.");
    }

    private byte[] body(HttpServletRequest http) {
        long limit = properties.maxRequestBytes();
        if (http.getContentLengthLong() > limit) {
            throw tooLarge(limit);
        }
        try (InputStream in = http.getInputStream()) {
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (body.length > limit) {
                throw tooLarge(limit);
            }
            return body;
        } catch (IOException e) {
            throw CdsHooksException.badRequest("The request body could not be read.");
        }
    }

    /** How this server's FHIR endpoint may appear in a request's fhirServer. */
    private LocalFhirServer localFhirServer(HttpServletRequest http) {
        String fhirPath = http.getContextPath() + FhirRestfulServerConfig.FHIR_PATH;
        List<URI> bases = new ArrayList<>();
        if (!fhirProperties.serverAddress().isBlank()) {
            bases.add(URI.create(fhirProperties.serverAddress()));
        }
        if (!properties.publicBaseUrl().isBlank()) {
            bases.add(URI.create(trimSlash(properties.publicBaseUrl()) + FhirRestfulServerConfig.FHIR_PATH));
        }
        bases.add(URI.create(http.getScheme() + "://" + hostForUri(http.getServerName()) + ":" + http.getServerPort()
                + fhirPath));
        return new LocalFhirServer(bases, http.getLocalPort(), fhirPath);
    }

    private static String hostForUri(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    private static String trimSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static String shorten(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
