package org.resistancecds.validation;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Resource;
import org.resistancecds.cds.CdsErrorBody;
import org.resistancecds.config.BufferedBodyRequest;
import org.resistancecds.config.FhirRestfulServerConfig;
import org.resistancecds.config.LossyXmlBodyFilter;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Turns {@code $validate} called with a Parameters body (the form FHIR defines: {@code resource}, {@code profile},
 * {@code mode}) into the equivalent plain call: the resource as the body, {@code profile} and {@code mode} as URL
 * parameters. HAPI checked the whole Parameters resource against a profile given that way ("found type
 * 'Parameters'"), and read a {@code valueUri} or {@code valueCanonical} profile as its Java description
 * ("UriType[...]"), so a validator could not name the profile at all. Also refuses (400) a resource of another type
 * than the URL names ({@code Observation/$validate} with a Patient): HAPI validated it as sent and answered "No
 * issues detected". JSON and XML bodies; others go to HAPI as sent.
 */
public class ValidateParametersFilter extends OncePerRequestFilter {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> PROFILE_VALUES = List.of("valueCanonical", "valueUri", "valueString");
    private static final List<String> MODE_VALUES = List.of("valueCode", "valueString");

    private final FhirContext fhirContext;

    public ValidateParametersFilter(FhirContext fhirContext) {
        this.fhirContext = fhirContext;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String type = request.getContentType();
        return !"POST".equals(request.getMethod())
                || !(uri.endsWith("/$validate") || uri.endsWith("/%24validate"))
                || type == null
                || !(type.toLowerCase(Locale.ROOT).contains("json") || type.toLowerCase(Locale.ROOT).contains("xml"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        byte[] body = BufferedBodyRequest.bodyOf(request);
        if (request.getContentType().toLowerCase(Locale.ROOT).contains("xml")) {
            filterXml(request, response, chain, body);
            return;
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException unreadable) {
            chain.doFilter(new BufferedBodyRequest(request, body), response);
            return;
        }
        JsonNode resource = null;
        Map<String, String> parameters = new LinkedHashMap<>();
        // Parameters sent to Parameters/$validate is the resource to validate, not the call's parameters.
        boolean parametersForm = root != null && "Parameters".equals(root.path("resourceType").asText())
                && !"Parameters".equals(urlType(request));
        if (parametersForm) {
            for (JsonNode parameter : root.path("parameter")) {
                switch (parameter.path("name").asText()) {
                    case "resource" -> resource = parameter.get("resource");
                    case "profile" -> firstText(parameter, PROFILE_VALUES).ifPresent(v -> parameters.put("profile", v));
                    case "mode" -> firstText(parameter, MODE_VALUES).ifPresent(v -> parameters.put("mode", v));
                    default -> { }
                }
            }
        }
        if (parametersForm && resource == null) {
            // No resource (mode=delete validates the stored one's deletion): the parameters alone, as URL parameters.
            chain.doFilter(new PlainValidateRequest(request, new byte[0], parameters), response);
            return;
        }
        JsonNode validated = resource != null ? resource : root;
        String bodyType = validated == null ? "" : validated.path("resourceType").asText();
        if (refusedForAnotherType(request, response, bodyType)) {
            return;
        }
        if (resource == null || !resource.isObject()) {
            chain.doFilter(new BufferedBodyRequest(request, body), response);
            return;
        }
        chain.doFilter(new PlainValidateRequest(request, JSON.writeValueAsBytes(resource), parameters), response);
    }

    /** 400 when the body holds a resource of another type than the URL names; whether it was sent. */
    private boolean refusedForAnotherType(HttpServletRequest request, HttpServletResponse response, String bodyType)
            throws IOException {
        String urlType = urlType(request);
        if (urlType == null || bodyType.isEmpty() || bodyType.equals(urlType)) {
            return false;
        }
        // Advice to send it elsewhere only names a type that exists ("observation" is no FHIR type).
        String advice = fhirContext.getResourceTypes().contains(bodyType)
                ? "; send it to " + bodyType + "/$validate."
                : ", and " + bodyType + " is no FHIR R4 resource type (resourceType is case-sensitive).";
        CdsErrorBody.write(request, response, fhirContext, HttpServletResponse.SC_BAD_REQUEST, "The resource is a "
                + bodyType + " but was sent to " + urlType + "/$validate" + advice);
        return true;
    }

    /**
     * The XML forms of the above. The resource of a Parameters body is parsed and written again as the body (the
     * validator then sees it in FHIR's element order: an XML-only fault of order inside a Parameters goes unseen);
     * a body that does not parse goes to HAPI as sent, which reports it.
     */
    private void filterXml(HttpServletRequest request, HttpServletResponse response, FilterChain chain, byte[] body)
            throws ServletException, IOException {
        String tooDeep = LossyXmlBodyFilter.tooDeep(body);
        if (tooDeep != null) {
            CdsErrorBody.write(request, response, fhirContext, HttpServletResponse.SC_BAD_REQUEST, tooDeep);
            return;
        }
        IBaseResource root;
        try {
            root = fhirContext.newXmlParser().parseResource(new String(body, StandardCharsets.UTF_8));
        } catch (RuntimeException unreadable) {
            chain.doFilter(new BufferedBodyRequest(request, body), response);
            return;
        }
        boolean parametersForm = root instanceof Parameters && !"Parameters".equals(urlType(request));
        Resource resource = null;
        Map<String, String> parameters = new LinkedHashMap<>();
        if (parametersForm) {
            for (Parameters.ParametersParameterComponent parameter : ((Parameters) root).getParameter()) {
                switch (parameter.getName() == null ? "" : parameter.getName()) {
                    case "resource" -> resource = parameter.getResource();
                    case "profile", "mode" -> {
                        if (parameter.getValue() instanceof PrimitiveType<?> value && value.hasValue()) {
                            parameters.put(parameter.getName(), value.getValueAsString());
                        }
                    }
                    default -> { }
                }
            }
            if (resource == null) {
                chain.doFilter(new PlainValidateRequest(request, new byte[0], parameters), response);
                return;
            }
        }
        IBaseResource validated = resource != null ? resource : root;
        if (refusedForAnotherType(request, response, validated.fhirType())) {
            return;
        }
        if (resource == null) {
            chain.doFilter(new BufferedBodyRequest(request, body), response);
            return;
        }
        byte[] alone = fhirContext.newXmlParser().encodeResourceToString(resource).getBytes(StandardCharsets.UTF_8);
        chain.doFilter(new PlainValidateRequest(request, alone, parameters), response);
    }

    /** The type a type- or instance-level call names ({@code /fhir/Observation/$validate}); null at system level. */
    private static String urlType(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        String prefix = FhirRestfulServerConfig.FHIR_PATH + "/";
        if (!path.startsWith(prefix)) {
            return null;
        }
        String first = path.substring(prefix.length()).split("/", 2)[0];
        return first.startsWith("$") || first.startsWith("%24") ? null : first;
    }

    private static Optional<String> firstText(JsonNode parameter, List<String> valueNames) {
        return valueNames.stream()
                .map(parameter::get)
                .filter(value -> value != null && value.isTextual())
                .map(JsonNode::asText)
                .findFirst();
    }

    /** The resource as the body, the operation's other parameters added to the URL's. */
    private static final class PlainValidateRequest extends BufferedBodyRequest {

        private static final String CONTENT_TYPE = "Content-Type";

        private final String queryString;
        private final boolean noBody;

        PlainValidateRequest(HttpServletRequest request, byte[] resource, Map<String, String> added) {
            super(request, resource, merged(request, added));
            this.noBody = resource.length == 0;
            StringBuilder query = new StringBuilder(request.getQueryString() == null ? "" : request.getQueryString());
            added.forEach((name, value) -> query.append(query.isEmpty() ? "" : "&").append(name).append('=')
                    .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
            this.queryString = query.isEmpty() ? null : query.toString();
        }

        private static Map<String, String[]> merged(HttpServletRequest request, Map<String, String> added) {
            Map<String, String[]> merged = new LinkedHashMap<>(request.getParameterMap());
            added.forEach((name, value) -> merged.put(name, new String[] {value}));
            return merged;
        }

        @Override
        public String getQueryString() {
            return queryString;
        }

        /** Without a body, no Content-Type either: HAPI would try to parse the empty body. */
        @Override
        public String getContentType() {
            return noBody ? null : super.getContentType();
        }

        @Override
        public String getHeader(String name) {
            return noBody && CONTENT_TYPE.equalsIgnoreCase(name) ? null : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return noBody && CONTENT_TYPE.equalsIgnoreCase(name)
                    ? Collections.emptyEnumeration()
                    : super.getHeaders(name);
        }
    }
}
