package org.resistancecds.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LossyJsonBodyFilterTest {

    @Test
    void aKeyNamedTwiceIsALoss() throws Exception {
        String fault = LossyJsonBodyFilter.firstLoss(
                "{\"resourceType\":\"Patient\",\"birthDate\":\"1970-01-01\",\"birthDate\":\"1980-01-01\"}"
                        .getBytes(StandardCharsets.UTF_8));

        assertThat(fault).contains("Duplicate field 'birthDate'", "line 1", "Nothing was stored");
    }

    @Test
    void aLatin1ByteInAStringIsALoss() throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes("{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Ren".getBytes(StandardCharsets.UTF_8));
        body.write(0xE9); // "é" in ISO-8859-1, no UTF-8 sequence
        body.writeBytes("\"}]}".getBytes(StandardCharsets.UTF_8));

        assertThat(LossyJsonBodyFilter.firstLoss(body.toByteArray())).contains("not valid UTF-8", "Nothing was stored");
    }

    @Test
    void validUtf8AndOtherFaultsAreLeftToHapi() throws Exception {
        assertThat(LossyJsonBodyFilter.firstLoss("{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"René 漢字 😀\"}]}"
                .getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(LossyJsonBodyFilter.firstLoss("{\"resourceType\":".getBytes(StandardCharsets.UTF_8))).isNull();
    }
}
