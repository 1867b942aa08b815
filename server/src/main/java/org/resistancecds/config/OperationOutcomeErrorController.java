package org.resistancecds.config;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import org.resistancecds.cds.CdsErrorBody;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.thymeleaf.ITemplateEngine;
import org.thymeleaf.context.Context;

/**
 * The errors Spring answers itself, outside HAPI's servlet and the CDS controller's own handler: no endpoint at the
 * path (404), a method the endpoint does not take (405, its {@code Allow} header kept), a format it cannot write
 * (406). They get the same OperationOutcome body as every other error of this server, in place of Spring's own
 * error document (which came labelled with whatever type the client had asked for). A browser (it asks for HTML)
 * that follows a dead link to a page outside the APIs gets a page saying so, with links to the server's pages.
 */
@RestController
public class OperationOutcomeErrorController implements ErrorController {

    private final FhirContext fhirContext;
    private final ITemplateEngine templates;

    public OperationOutcomeErrorController(FhirContext fhirContext, ITemplateEngine templates) {
        this.fhirContext = fhirContext;
        this.templates = templates;
    }

    @RequestMapping("${server.error.path:/error}")
    public void error(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer value ? value : HttpServletResponse.SC_INTERNAL_SERVER_ERROR;
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        String path = uri == null ? "this path" : uri.toString();
        if (status == HttpServletResponse.SC_NOT_FOUND && isBrowserPage(request, path)) {
            response.setStatus(status);
            response.setContentType("text/html;charset=UTF-8");
            Context page = new Context(Locale.ENGLISH, Map.of("path", path));
            response.getWriter().write(templates.process("error/not-found", page));
            return;
        }
        CdsErrorBody.write(request, response, fhirContext, status, switch (status) {
            case 404 -> "Nothing is served at " + path + ". The FHIR API is at /fhir, the CDS services at /cds-services.";
            case 405 -> "The endpoint at " + path + " does not take " + request.getMethod()
                    + "; the Allow header names what it takes.";
            case 406 -> "The endpoint at " + path + " answers in JSON only.";
            case 415 -> "The endpoint at " + path + " reads JSON only (Content-Type: application/json).";
            default -> status >= 500
                    ? "The server failed while answering; the server log has the details."
                    : "The request to " + path + " was refused (" + status + ").";
        });
    }

    private static boolean isBrowserPage(HttpServletRequest request, String path) {
        String accept = request.getHeader("Accept");
        String servletPath = path.substring(Math.min(path.length(), request.getContextPath().length()));
        return accept != null && accept.contains("text/html")
                && !isUnder(servletPath, FhirRestfulServerConfig.FHIR_PATH) && !isUnder(servletPath, "/cds-services");
    }

    private static boolean isUnder(String path, String prefix) {
        return path.equals(prefix) || path.startsWith(prefix + "/");
    }
}
