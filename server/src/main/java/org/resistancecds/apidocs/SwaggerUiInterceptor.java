package org.resistancecds.apidocs;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.openapi.OpenApiInterceptor;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * HAPI's OpenAPI interceptor, with the answers a browser expects at the edges of its Swagger UI: a file the UI does
 * not have is a 404 (HAPI answered 500 and logged the stack of its failed classpath look-up), and
 * {@code /fhir/swagger-ui} without the slash leads to the UI (HAPI took it for a resource type), and the UI's
 * page says it is UTF-8.
 */
final class SwaggerUiInterceptor extends OpenApiInterceptor {

    private static final String UI = "/swagger-ui/";
    /** HAPI's code for a classpath resource it could not find. */
    private static final String MISSING_CLASSPATH_RESOURCE = "HAPI-1758";

    @Override
    protected boolean handleResourceRequest(
            HttpServletResponse response, ServletRequestDetails request, String path) throws IOException {
        // HAPI sets "text/html" without a charset, which Tomcat sends as ISO-8859-1; the page is UTF-8.
        response.setCharacterEncoding("UTF-8");
        try {
            return super.handleResourceRequest(response, request, path);
        } catch (InternalErrorException e) {
            if (e.getMessage() == null || !e.getMessage().contains(MISSING_CLASSPATH_RESOURCE)) {
                throw e;
            }
            throw new ResourceNotFoundException("The Swagger UI has no file '" + path.substring(UI.length())
                    + "'; the UI itself is at swagger-ui/");
        }
    }

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLER_SELECTED)
    public boolean redirectToTheUi(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!"/swagger-ui".equals(request.getPathInfo())) {
            return true;
        }
        response.sendRedirect(response.encodeRedirectURL(request.getRequestURI() + "/"));
        return false;
    }
}
