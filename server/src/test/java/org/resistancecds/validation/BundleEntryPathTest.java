package org.resistancecds.validation;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

class BundleEntryPathTest {

    @Test
    void findsTheEntryByTheResourceItselfNotByAnEqualOne() {
        Observation stored = new Observation();
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        bundle.addEntry().setResource(new Patient());
        bundle.addEntry().setResource(new Observation());
        bundle.addEntry().setResource(stored);
        SystemRequestDetails request = new SystemRequestDetails();
        request.setResource(bundle);
        BundleEntryPath.remember(request);

        assertThat(BundleEntryPath.of(request, stored)).contains(new BundleEntryPath(2));
        assertThat(BundleEntryPath.of(request, new Observation())).isEmpty();
    }

    /** A patch makes a new resource, so a PATCH entry is found by the URL that names the patched resource. */
    @Test
    void findsAPatchEntryByItsUrl() {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        bundle.addEntry().setResource(new Patient()).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
        bundle.addEntry().getRequest().setMethod(Bundle.HTTPVerb.PATCH).setUrl("Observation/va-10");
        bundle.addEntry().getRequest().setMethod(Bundle.HTTPVerb.PATCH).setUrl("Observation/va-1");
        SystemRequestDetails request = new SystemRequestDetails();
        request.setResource(bundle);
        BundleEntryPath.remember(request);
        Observation patched = new Observation();
        patched.setId("Observation/va-1/_history/2");

        assertThat(BundleEntryPath.of(request, patched)).contains(new BundleEntryPath(2));
        Observation other = new Observation();
        other.setId("Observation/va-2");
        assertThat(BundleEntryPath.of(request, other)).isEmpty();
    }

    @Test
    void aRequestWithoutABundleHasNoEntry() {
        SystemRequestDetails request = new SystemRequestDetails();
        request.setResource(new Patient());
        BundleEntryPath.remember(request);

        assertThat(BundleEntryPath.of(request, request.getResource())).isEmpty();
        assertThat(BundleEntryPath.of(null, new Patient())).isEmpty();
    }

    @Test
    void rerootsPathsThatStartAtTheResourceAndPrefixesDiagnostics() {
        OperationOutcome outcome = new OperationOutcome();
        OperationOutcome.OperationOutcomeIssueComponent issue = outcome.addIssue().setDiagnostics("missing code");
        issue.addExpression("Observation.code");
        issue.addExpression("Observation");
        issue.addLocation("Observation.component[0].value.ofType(CodeableConcept)");
        issue.addExpression("(unknown)");

        new BundleEntryPath(3).reroot(outcome, "Observation");

        assertThat(issue.getExpression()).extracting(e -> e.getValue())
                .containsExactly("Bundle.entry[3].resource.code", "Bundle.entry[3].resource", "(unknown)");
        assertThat(issue.getLocation()).extracting(e -> e.getValue())
                .containsExactly("Bundle.entry[3].resource.component[0].value.ofType(CodeableConcept)");
        assertThat(issue.getDiagnostics()).isEqualTo("Bundle.entry[3] (Observation): missing code");
    }
}
