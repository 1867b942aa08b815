package org.resistancecds.cds;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.hapi.fhir.cdshooks.module.CdsHooksObjectMapperFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class CdsServiceCatalogTest {

    private static final ObjectMapper JSON = new CdsHooksObjectMapperFactory(FhirContext.forR4Cached()).newMapper();

    @Test
    void discoverySaysWhatAClientMustProvideAndAsksForAJwtOnlyWhenOneIsChecked() throws Exception {
        JsonNode signed = discovery(true);
        JsonNode open = discovery(false);

        assertThat(signed.at("/services/0/usageRequirements").asText()).contains("prefetch", "412", "JWT");
        assertThat(open.at("/services/0/usageRequirements").asText()).contains("prefetch").doesNotContain("JWT");
    }

    @Test
    void aServiceWithNothingToRequireLeavesTheFieldOut() throws Exception {
        JsonNode hello = JSON.readTree(JSON.writeValueAsString(
                new CdsServiceCatalog(List.of(new HelloCdsService())).discovery()));

        assertThat(hello.at("/services/0").has("usageRequirements")).isFalse();
        assertThat(hello.at("/services/0/id").asText()).isEqualTo("hello");
    }

    private static JsonNode discovery(boolean jwtRequired) throws Exception {
        List<CdsService> services = ResistanceCdsService.definitions(jwtRequired).stream()
                .map(definition -> (CdsService) new ResistanceCdsService(definition, null, null, null))
                .toList();
        return JSON.readTree(JSON.writeValueAsString(new CdsServiceCatalog(services).discovery()));
    }
}
