package dev.losswatch.events.registry;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.Schema;

/**
 * Remembers what never changes once the registry has said it: the schema behind an id, and the id
 * (and version) of a schema under a subject. Latest versions and compatibility verdicts change as
 * schemas are registered, so those always go to the registry. Failures are not remembered.
 */
public final class CachingSchemaRegistryClient implements SchemaRegistryClient {
    private record SubjectSchema(String subject, Schema schema) {
    }

    private final SchemaRegistryClient registry;
    private final ConcurrentMap<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final ConcurrentMap<SubjectSchema, Integer> registeredIds = new ConcurrentHashMap<>();
    private final ConcurrentMap<SubjectSchema, RegisteredSchema> lookups = new ConcurrentHashMap<>();

    public CachingSchemaRegistryClient(SchemaRegistryClient registry) {
        this.registry = registry;
    }

    @Override
    public int register(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        RegisteredSchema known = lookups.get(key);
        if (known != null) {
            return known.id();
        }
        return registeredIds.computeIfAbsent(key, k -> remember(registry.register(subject, schema), schema));
    }

    @Override
    public Schema schemaById(int id) {
        return schemasById.computeIfAbsent(id, registry::schemaById);
    }

    @Override
    public RegisteredSchema lookup(String subject, Schema schema) {
        return lookups.computeIfAbsent(new SubjectSchema(subject, schema), key -> {
            RegisteredSchema found = registry.lookup(subject, schema);
            remember(found.id(), found.schema());
            return found;
        });
    }

    @Override
    public RegisteredSchema latestVersion(String subject) {
        return registry.latestVersion(subject);
    }

    @Override
    public CompatibilityResult testCompatibility(String subject, Schema schema) {
        return registry.testCompatibility(subject, schema);
    }

    private int remember(int id, Schema schema) {
        schemasById.putIfAbsent(id, schema);
        return id;
    }

    @Override
    public String toString() {
        return "Caching" + registry;
    }
}
