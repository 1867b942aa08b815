package org.resistancecds.cds;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IJsonLikeParser;
import ca.uhn.fhir.parser.json.jackson.JacksonStructure;
import ca.uhn.hapi.fhir.cdshooks.module.CdsHooksObjectMapperFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * JSON for the CDS endpoints: reads request bodies into trees (exact decimals, as HAPI's FHIR parser reads
 * them), turns FHIR objects inside those trees into resources without re-serialising them, and writes HAPI's
 * CDS Hooks response types compactly.
 */
public final class CdsJson {

    private final FhirContext fhirContext;
    private final ObjectMapper reader;
    private final ObjectMapper writer;

    public CdsJson(FhirContext fhirContext) {
        this.fhirContext = fhirContext;
        this.reader = JsonMapper.builder()
                .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                // Error messages go back to the client: never echo the body in them.
                .disable(JsonParser.Feature.INCLUDE_SOURCE_IN_LOCATION)
                .build();
        this.writer = new CdsHooksObjectMapperFactory(fhirContext).newMapper().disable(SerializationFeature.INDENT_OUTPUT);
    }

    public FhirContext fhirContext() {
        return fhirContext;
    }

    /** Parses a request body; a body that is not one JSON document is a client error (400). */
    public JsonNode readTree(byte[] body) {
        if (body == null || body.length == 0) {
            throw CdsHooksException.badRequest("The request body is empty; a JSON object was expected.");
        }
        try {
            JsonNode tree = reader.readTree(body);
            if (tree == null || tree.isMissingNode()) {
                throw CdsHooksException.badRequest("The request body is empty; a JSON object was expected.");
            }
            return tree;
        } catch (StreamConstraintsException e) {
            // Jackson's own message names its internal settings; say what the limit is in the client's terms.
            StreamReadConstraints limits = reader.getFactory().streamReadConstraints();
            throw CdsHooksException.badRequest("The request body is beyond what this service reads as JSON: at most "
                    + limits.getMaxNestingDepth() + " levels of nested arrays and objects, and numbers of at most "
                    + limits.getMaxNumberLength() + " characters.");
        } catch (JsonProcessingException e) {
            // Not every parse error has a location (a limit hit while building the tree has none).
            JsonLocation at = e.getLocation();
            throw CdsHooksException.badRequest("The request body is not valid JSON: " + e.getOriginalMessage()
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        } catch (IOException e) {
            throw CdsHooksException.badRequest("The request body could not be read.");
        }
    }

    /**
     * Parses one FHIR R4 resource held in a JSON tree.
     *
     * @param where the JSON path of the object, used in the error message
     */
    public IBaseResource parseResource(JsonNode node, String where) {
        if (!(node instanceof ObjectNode object)) {
            throw CdsHooksException.badRequest(where + " must be a FHIR resource (a JSON object).");
        }
        if (!object.path("resourceType").isTextual()) {
            throw CdsHooksException.badRequest(where + " has no resourceType; a FHIR R4 resource was expected.");
        }
        IJsonLikeParser parser = (IJsonLikeParser) fhirContext.newJsonParser();
        parser.setParserErrorHandler(new PrefetchParseErrors());
        JacksonStructure structure = new JacksonStructure();
        structure.setNativeObject(object);
        try {
            return parser.parseResource(structure);
        } catch (DataFormatException e) {
            throw CdsHooksException.badRequest(where + " is not a valid FHIR R4 resource: " + e.getMessage());
        } catch (RuntimeException e) {
            // Odd shapes (an array where an object belongs) can trip the parser in other ways; still the client's data.
            throw CdsHooksException.badRequest(where + " is not a valid FHIR R4 resource.");
        }
    }

    /** Writes a response object (HAPI CDS Hooks JSON types, which may hold FHIR resources). */
    public byte[] write(Object value) {
        try {
            return writer.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a CDS Hooks response", e);
        }
    }
}
