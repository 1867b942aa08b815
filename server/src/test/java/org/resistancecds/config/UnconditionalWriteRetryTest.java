package org.resistancecds.config;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.jpa.api.model.ResourceVersionConflictResolutionStrategy;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

class UnconditionalWriteRetryTest {

    private final UnconditionalWriteRetry retry = new UnconditionalWriteRetry();

    @Test
    void aWriteWithoutAPreconditionIsTriedAgain() {
        ResourceVersionConflictResolutionStrategy strategy = retry.retry(request(RestOperationTypeEnum.UPDATE, "Patient"));

        assertThat(strategy.isRetry()).isTrue();
        assertThat(strategy.getMaxRetries()).isEqualTo(UnconditionalWriteRetry.MAX_RETRIES);
        assertThat(retry.retry(request(RestOperationTypeEnum.CREATE, "Observation"))).isNotNull();
        assertThat(retry.retry(request(RestOperationTypeEnum.PATCH, "Observation"))).isNotNull();
    }

    @Test
    void aPreconditionADeleteAKnowledgeWriteOrAnOperationKeepsHapisAnswer() {
        ServletRequestDetails ifMatch = request(RestOperationTypeEnum.UPDATE, "Patient");
        ((MockHttpServletRequest) ifMatch.getServletRequest()).addHeader("If-Match", "W/\"1\"");
        ServletRequestDetails ifNoneMatch = request(RestOperationTypeEnum.UPDATE, "Patient");
        ((MockHttpServletRequest) ifNoneMatch.getServletRequest()).addHeader("If-None-Match", "*");
        ServletRequestDetails ifMatchAny = request(RestOperationTypeEnum.UPDATE, "Patient");
        ifMatchAny.getServletRequest().setAttribute(ConditionalHeaders.IF_MATCH_ANY, Boolean.TRUE);

        assertThat(retry.retry(ifMatch)).isNull();
        assertThat(retry.retry(ifNoneMatch)).isNull();
        assertThat(retry.retry(ifMatchAny)).isNull();
        assertThat(retry.retry(request(RestOperationTypeEnum.DELETE, "Patient"))).isNull();
        assertThat(retry.retry(request(RestOperationTypeEnum.UPDATE, "PlanDefinition"))).isNull();
        assertThat(retry.retry(request(RestOperationTypeEnum.EXTENDED_OPERATION_INSTANCE, "Patient"))).isNull();
    }

    @Test
    void aBundleIsTriedAgainOnlyWithoutDeletesPreconditionsAndKnowledge() {
        Bundle plain = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        plain.addEntry().setResource(new Observation()).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
        Bundle withDelete = plain.copy();
        withDelete.addEntry().getRequest().setMethod(Bundle.HTTPVerb.DELETE).setUrl("Observation/o1");
        Bundle withIfMatch = plain.copy();
        withIfMatch.getEntryFirstRep().getRequest().setIfMatch("W/\"2\"");
        Bundle withKnowledge = plain.copy();
        withKnowledge.addEntry().setResource(new PlanDefinition()).getRequest().setMethod(Bundle.HTTPVerb.POST)
                .setUrl("PlanDefinition");

        assertThat(retry.retry(transaction(plain))).isNotNull();
        assertThat(retry.retry(transaction(withDelete))).isNull();
        assertThat(retry.retry(transaction(withIfMatch))).isNull();
        assertThat(retry.retry(transaction(withKnowledge))).isNull();
    }

    private static ServletRequestDetails transaction(Bundle bundle) {
        ServletRequestDetails request = request(RestOperationTypeEnum.TRANSACTION, null);
        request.setResource(bundle);
        return request;
    }

    private static ServletRequestDetails request(RestOperationTypeEnum operation, String resourceName) {
        ServletRequestDetails request = new ServletRequestDetails();
        request.setServletRequest(new MockHttpServletRequest());
        request.setRestOperationType(operation);
        request.setResourceName(resourceName);
        return request;
    }
}
