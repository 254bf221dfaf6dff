package dev.losswatch.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;
import org.apache.avro.Schema;

/** Other producers' versions of our schemas, made by editing the schema's JSON as a producer team would. */
public final class SchemaEdits {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SchemaEdits() {
    }

    /** {@code schema} with one more field, given as JSON, appended. */
    public static Schema withField(Schema schema, String fieldJson) {
        ObjectNode record = json(schema);
        try {
            ((ArrayNode) record.get("fields")).add(JSON.readTree(fieldJson));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + fieldJson, e);
        }
        return new Schema.Parser().parse(record.toString());
    }

    /** {@code schema} without the named fields. */
    public static Schema withoutFields(Schema schema, String... names) {
        ObjectNode record = json(schema);
        ((ArrayNode) record.get("fields")).removeIf(field -> Set.of(names).contains(field.get("name").asText()));
        return new Schema.Parser().parse(record.toString());
    }

    /** {@code schema} with the named field's type replaced by {@code typeJson}. */
    public static Schema withFieldType(Schema schema, String name, String typeJson) {
        ObjectNode record = json(schema);
        record.get("fields").forEach(field -> {
            if (field.get("name").asText().equals(name)) {
                try {
                    ((ObjectNode) field).set("type", JSON.readTree(typeJson));
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException("not JSON: " + typeJson, e);
                }
            }
        });
        return new Schema.Parser().parse(record.toString());
    }

    private static ObjectNode json(Schema schema) {
        try {
            return (ObjectNode) JSON.readTree(schema.toString());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Avro printed a schema that is not JSON", e);
        }
    }
}
