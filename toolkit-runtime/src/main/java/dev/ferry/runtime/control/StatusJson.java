package dev.ferry.runtime.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.UncheckedIOException;

/**
 * The JSON of the control server, progress callbacks and JSON log lines.
 */
final class StatusJson
{
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private StatusJson() {}

    static ObjectNode object()
    {
        return MAPPER.createObjectNode();
    }

    static JsonNode tree(Object value)
    {
        return MAPPER.valueToTree(value);
    }

    static String write(Object value)
    {
        try {
            return MAPPER.writeValueAsString(value);
        }
        catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code status} with {@code customPayload} (the configured {@code progress.payload}, or null).
     */
    static ObjectNode withPayload(Object status, JsonNode payload)
    {
        ObjectNode document = MAPPER.valueToTree(status);
        document.set("customPayload", payload == null ? MAPPER.nullNode() : payload.deepCopy());
        return document;
    }
}
