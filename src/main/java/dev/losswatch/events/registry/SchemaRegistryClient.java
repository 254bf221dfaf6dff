package dev.losswatch.events.registry;

import org.apache.avro.Schema;

/**
 * The part of the Confluent Schema Registry protocol that losswatch speaks. Every failure the registry
 * reports comes back as a {@link SchemaRegistryException} carrying its error code.
 */
public interface SchemaRegistryClient {

    /** Registers {@code schema} under {@code subject} (a no-op when it is already there) and returns its id. */
    int register(String subject, Schema schema);

    /**
     * The schema a record framed with {@code id} was written with.
     *
     * @throws UnusableSchemaException when the id holds something other than a self-contained Avro schema
     */
    Schema schemaById(int id);

    /** Where {@code schema} is registered under {@code subject}: fails with 40401 or 40403 when it is not. */
    RegisteredSchema lookup(String subject, Schema schema);

    /** The newest version registered under {@code subject}. */
    RegisteredSchema latestVersion(String subject);

    /** Whether {@code schema} could be registered as the next version of {@code subject}. */
    CompatibilityResult testCompatibility(String subject, Schema schema);
}
