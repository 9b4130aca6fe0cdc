package dev.ferry.plugins.verifiers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The verifiers' saved state as JSON, with the Jackson the runtime writes its own documents
 * with: objects are {@code Map<String, Object>}, arrays {@code List<Object>}, and strings,
 * numbers, booleans and null themselves. Thread-safe.
 */
final class StateJson
{
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private StateJson() {}

    /**
     * @throws IllegalArgumentException naming the first syntax error
     */
    static Object parse(String text)
    {
        try {
            return MAPPER.readValue(text, Object.class);
        }
        catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * {@code value} (maps, lists, strings, numbers, booleans, null) as JSON text.
     */
    static String write(Object value)
    {
        try {
            return MAPPER.writeValueAsString(value);
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the verifier state: " + e.getOriginalMessage(), e);
        }
    }
}
