package dev.losswatch.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * The one JSON form of losswatch's events, used by {@code score}, {@code backtest} and the HTTP API.
 *
 * <p>It follows the Avro schema field by field, so the JSON names are the Avro names: timestamps are
 * epoch milliseconds (ISO-8601 strings are accepted on input), enums are their symbol names, nullable
 * fields are plain values or {@code null}, absent fields take the schema default. Float arrays accept
 * the strings {@code "NaN"}, {@code "Infinity"} and {@code "-Infinity"} so that such model outputs can be
 * represented (and then rejected by scoring with a reason). Reading is driven by the schema, so every
 * error names the field path that was wrong.
 */
public final class EventJson {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private EventJson() {
    }

    /** Thrown when a JSON value does not fit the event schema; the message names the field path. */
    public static final class MalformedEventException extends RuntimeException {
        public MalformedEventException(String message) {
            super(message, null, false, false);
        }
    }

    public static Prediction readPrediction(JsonNode node, String where) {
        return read(node, Prediction.getClassSchema(), where);
    }

    public static Label readLabel(JsonNode node, String where) {
        return read(node, Label.getClassSchema(), where);
    }

    /** Reads a record of the given schema; {@code where} prefixes every error (e.g. "line 3: prediction"). */
    @SuppressWarnings("unchecked")
    public static <T extends SpecificRecord> T read(JsonNode node, Schema schema, String where) {
        if (node == null || !node.isObject()) {
            throw new MalformedEventException(where + " must be a JSON object, got " + describe(node));
        }
        T record = (T) SpecificData.get().newRecord(null, schema);
        for (Schema.Field field : schema.getFields()) {
            JsonNode value = node.get(field.name());
            String path = where + "." + field.name();
            if (value == null) {
                if (!field.hasDefaultValue()) {
                    throw new MalformedEventException(path + " is missing and has no default");
                }
                record.put(field.pos(), SpecificData.get().getDefaultValue(field));
            } else {
                record.put(field.pos(), readValue(value, field.schema(), path));
            }
        }
        return record;
    }

    private static Object readValue(JsonNode node, Schema schema, String path) {
        switch (schema.getType()) {
            case UNION:
                return readUnion(node, schema, path);
            case NULL:
                if (!node.isNull()) {
                    throw new MalformedEventException(path + " must be null, got " + describe(node));
                }
                return null;
            case STRING:
                if (!node.isTextual()) {
                    throw new MalformedEventException(path + " must be a string, got " + describe(node));
                }
                return node.textValue();
            case BOOLEAN:
                if (!node.isBoolean()) {
                    throw new MalformedEventException(path + " must be true or false, got " + describe(node));
                }
                return node.booleanValue();
            case INT:
                if (!node.isIntegralNumber() || !node.canConvertToInt()) {
                    throw new MalformedEventException(path + " must be a 32-bit integer, got " + describe(node));
                }
                return node.intValue();
            case LONG:
                return readLong(node, schema.getLogicalType(), path);
            case FLOAT:
                return readFloat(node, path);
            case DOUBLE:
                return readDouble(node, path);
            case ENUM:
                return readEnum(node, schema, path);
            case ARRAY:
                return readArray(node, schema, path);
            case MAP:
                return readMap(node, schema, path);
            case RECORD:
                return read(node, schema, path);
            default:
                throw new IllegalStateException(path + ": schema type " + schema.getType() + " has no JSON form");
        }
    }

    private static Object readUnion(JsonNode node, Schema union, String path) {
        if (node.isNull()) {
            if (union.getIndexNamed(Schema.Type.NULL.getName()) == null) {
                throw new MalformedEventException(path + " must not be null");
            }
            return null;
        }
        for (Schema branch : union.getTypes()) {
            if (branch.getType() != Schema.Type.NULL) {
                return readValue(node, branch, path);
            }
        }
        throw new MalformedEventException(path + " must be null");
    }

    private static Object readLong(JsonNode node, LogicalType logicalType, String path) {
        boolean timestamp = logicalType instanceof LogicalTypes.TimestampMillis;
        long millis;
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            millis = node.longValue();
        } else if (timestamp && node.isTextual()) {
            try {
                millis = Instant.parse(node.textValue()).toEpochMilli();
            } catch (DateTimeParseException e) {
                throw new MalformedEventException(path + " must be epoch milliseconds or an ISO-8601 instant, got "
                        + describe(node));
            }
        } else {
            throw new MalformedEventException(path + " must be a 64-bit integer"
                    + (timestamp ? " (epoch milliseconds) or an ISO-8601 instant" : "") + ", got " + describe(node));
        }
        return timestamp ? Instant.ofEpochMilli(millis) : millis;
    }

    private static float readFloat(JsonNode node, String path) {
        double value = readDouble(node, path);
        float single = (float) value;
        if (Double.isFinite(value) && Float.isInfinite(single)) {
            throw new MalformedEventException(path + " = " + node + " is outside the float32 range");
        }
        return single;
    }

    private static double readDouble(JsonNode node, String path) {
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isTextual()) {
            switch (node.textValue()) {
                case "NaN":
                    return Double.NaN;
                case "Infinity":
                    return Double.POSITIVE_INFINITY;
                case "-Infinity":
                    return Double.NEGATIVE_INFINITY;
                default:
                    break;
            }
        }
        throw new MalformedEventException(path + " must be a number or one of \"NaN\", \"Infinity\", \"-Infinity\", got "
                + describe(node));
    }

    private static Object readEnum(JsonNode node, Schema schema, String path) {
        if (!node.isTextual() || !schema.hasEnumSymbol(node.textValue())) {
            throw new MalformedEventException(path + " must be one of " + schema.getEnumSymbols() + ", got "
                    + describe(node));
        }
        return SpecificData.get().createEnum(node.textValue(), schema);
    }

    private static List<Object> readArray(JsonNode node, Schema schema, String path) {
        if (!node.isArray()) {
            throw new MalformedEventException(path + " must be an array, got " + describe(node));
        }
        List<Object> values = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            values.add(readValue(node.get(i), schema.getElementType(), path + "[" + i + "]"));
        }
        return values;
    }

    private static Map<String, Object> readMap(JsonNode node, Schema schema, String path) {
        if (!node.isObject()) {
            throw new MalformedEventException(path + " must be an object, got " + describe(node));
        }
        Map<String, Object> values = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> entries = node.fields();
        while (entries.hasNext()) {
            Map.Entry<String, JsonNode> entry = entries.next();
            values.put(entry.getKey(), readValue(entry.getValue(), schema.getValueType(), path + "." + entry.getKey()));
        }
        return values;
    }

    /** Writes any of our records in the JSON form, with the same conventions that {@link #read} accepts. */
    public static ObjectNode toJson(SpecificRecord record) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        for (Schema.Field field : record.getSchema().getFields()) {
            node.set(field.name(), toJsonValue(record.get(field.pos())));
        }
        return node;
    }

    private static JsonNode toJsonValue(Object value) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        if (value == null) {
            return nodes.nullNode();
        } else if (value instanceof SpecificRecord) {
            return toJson((SpecificRecord) value);
        } else if (value instanceof Instant) {
            return nodes.numberNode(((Instant) value).toEpochMilli());
        } else if (value instanceof CharSequence || value instanceof Enum) {
            return nodes.textNode(value.toString());
        } else if (value instanceof Boolean) {
            return nodes.booleanNode((Boolean) value);
        } else if (value instanceof Integer || value instanceof Long) {
            return nodes.numberNode(((Number) value).longValue());
        } else if (value instanceof Float || value instanceof Double) {
            return floatingNode(((Number) value).doubleValue());
        } else if (value instanceof Collection) {
            ArrayNode array = nodes.arrayNode();
            for (Object element : (Collection<?>) value) {
                array.add(toJsonValue(element));
            }
            return array;
        } else if (value instanceof Map) {
            ObjectNode object = nodes.objectNode();
            for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
                object.set(entry.getKey().toString(), toJsonValue(entry.getValue()));
            }
            return object;
        }
        throw new IllegalArgumentException("no JSON form for " + value.getClass().getName());
    }

    /** JSON has no NaN or infinities: they are written as the strings that {@link #read} accepts back. */
    public static JsonNode floatingNode(double value) {
        if (Double.isNaN(value)) {
            return JsonNodeFactory.instance.textNode("NaN");
        } else if (Double.isInfinite(value)) {
            return JsonNodeFactory.instance.textNode(value > 0 ? "Infinity" : "-Infinity");
        }
        return JsonNodeFactory.instance.numberNode(value);
    }

    private static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        String text = node.toString();
        return text.length() > 60 ? text.substring(0, 57) + "..." : text;
    }
}
