package org.resistancecds.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /fhir/.well-known/smart-configuration}: the SMART App Launch discovery document, describing the
 * issuer whose tokens this server accepts and the scopes and capabilities it enforces. Public.
 */
public class SmartConfigurationServlet extends HttpServlet {

    public static final String PATH = "/fhir/.well-known/smart-configuration";

    private final boolean enabled;
    private final byte[] document;

    public SmartConfigurationServlet(FhirSecurityProperties properties, ObjectMapper json) throws IOException {
        this.enabled = properties.enabled();
        this.document = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(enabled
                ? document(properties)
                : Map.of("error", "not_found", "error_description",
                        "SMART on FHIR authorization is off on this server (resistance.security.enabled=false)"));
    }

    static Map<String, Object> document(FhirSecurityProperties properties) {
        Map<String, Object> doc = new LinkedHashMap<>();
        putIfSet(doc, "issuer", properties.issuer());
        putIfSet(doc, "jwks_uri", properties.jwkSetUri());
        putIfSet(doc, "authorization_endpoint", properties.authorizationEndpoint());
        putIfSet(doc, "token_endpoint", properties.tokenEndpoint());
        doc.put("scopes_supported", List.of(
                "patient/*.cruds", "user/*.cruds", "system/*.cruds", "patient/*.rs", "user/*.rs", "system/*.rs",
                "patient/*.read", "patient/*.write", "user/*.read", "user/*.write", "system/*.read", "system/*.write",
                "openid", "fhirUser", "launch/patient", "offline_access"));
        // What this resource server enforces; the issuer's own discovery document describes its grant flows.
        doc.put("capabilities", List.of("permission-v1", "permission-v2", "permission-patient", "permission-user"));
        return doc;
    }

    private static void putIfSet(Map<String, Object> doc, String name, String value) {
        if (value != null && !value.isBlank()) {
            doc.put(name, value);
        }
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        // Off (dev profile): nothing is enforced, so there is nothing to discover.
        response.setStatus(enabled ? HttpServletResponse.SC_OK : HttpServletResponse.SC_NOT_FOUND);
        response.setContentType("application/json");
        response.setHeader("Cache-Control", enabled ? "public, max-age=300" : "no-store");
        response.getOutputStream().write(document);
    }
}
