package dev.losswatch.events.registry;

/**
 * The registry knows the schema id, but what it holds there is not an Avro schema losswatch can parse
 * (a Protobuf or JSON Schema, or Avro that refers to other subjects). A record framed with that id can
 * never be read, so unlike a {@link SchemaRegistryException} this is a fact about the data, not the registry.
 */
public final class UnusableSchemaException extends RuntimeException {
    private final int schemaId;

    public UnusableSchemaException(int schemaId, String why, String url, Throwable cause) {
        super("schema id " + schemaId + " at " + url + " is not a usable Avro schema: " + why, cause);
        this.schemaId = schemaId;
    }

    public int schemaId() {
        return schemaId;
    }
}
