package org.resistancecds.conformance;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/** The error an invalid example documents: where it is and a part of the validator's message. */
record ExpectedError(String location, String message) {

    static ExpectedError read(String contentLocation) throws IOException {
        String path = "content/" + contentLocation;
        try (InputStream in = ExpectedError.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                fail("missing expected-error note " + path);
            }
            Map<String, String> fields = new HashMap<>();
            new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .filter(line -> !line.isBlank() && !line.startsWith("#"))
                    .forEach(line -> {
                        int colon = line.indexOf(':');
                        fields.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
                    });
            return new ExpectedError(
                    Objects.requireNonNull(fields.get("location"), "location"),
                    Objects.requireNonNull(fields.get("message"), "message"));
        }
    }
}
