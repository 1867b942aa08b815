package org.resistancecds.config;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.resistancecds.cds.CdsErrorBody;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.LivenessState;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Once the server has declared itself broken (its liveness state, e.g. after H2 gave up on its file), answers FHIR
 * and CDS requests with 503 and an OperationOutcome that says a restart is needed, instead of letting each fail
 * inside HAPI with a 500 and a stack trace in the log.
 */
public class BrokenStateFilter extends OncePerRequestFilter {

    static final String MESSAGE = "This server has stopped serving data: it hit a fault it cannot recover from "
            + "without a restart (the cause is in its log). Nothing is read or written until it is restarted.";

    private final FhirContext fhirContext;
    private final ApplicationAvailability availability;

    public BrokenStateFilter(FhirContext fhirContext, ApplicationAvailability availability) {
        this.fhirContext = fhirContext;
        this.availability = availability;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (availability.getLivenessState() != LivenessState.BROKEN) {
            chain.doFilter(request, response);
            return;
        }
        CdsErrorBody.write(request, response, fhirContext, HttpServletResponse.SC_SERVICE_UNAVAILABLE, MESSAGE);
    }
}
