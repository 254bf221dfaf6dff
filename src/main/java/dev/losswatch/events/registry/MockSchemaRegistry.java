package dev.losswatch.events.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.Schema;

/**
 * An in-process registry selected by {@code schema.registry.url=mock://<scope>}: every client in this JVM
 * naming the same scope sees the same registry. It keeps the protocol's semantics so that code tested
 * against it behaves the same against a real registry: ids are global and one per distinct schema text,
 * registering a schema a subject already has returns its id without a new version, a new version must
 * be BACKWARD compatible with the latest (the new schema can read data written with it), and failures
 * carry the registry's codes (40401, 40403, 409, 42201).
 */
public final class MockSchemaRegistry implements SchemaRegistryClient {
    public static final String URL_SCHEME = "mock://";
    private static final ConcurrentMap<String, MockSchemaRegistry> SCOPES = new ConcurrentHashMap<>();

    private final String scope;
    private final List<Schema> schemasById = new ArrayList<>();
    private final Map<String, Integer> idsBySchemaText = new HashMap<>();
    private final Map<String, List<Integer>> idsByVersionBySubject = new HashMap<>();

    private MockSchemaRegistry(String scope) {
        this.scope = scope;
    }

    /** The registry of {@code scope}, created empty on first use. */
    public static MockSchemaRegistry scope(String scope) {
        return SCOPES.computeIfAbsent(scope, MockSchemaRegistry::new);
    }

    /** Forgets {@code scope}, so that its next use starts empty (test isolation). */
    public static void dropScope(String scope) {
        SCOPES.remove(scope);
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        String url = url("/subjects/" + subject + "/versions");
        List<Integer> versions = idsByVersionBySubject.getOrDefault(subject, List.of());
        Integer existingId = idsBySchemaText.get(schema.toString());
        if (existingId != null && versions.contains(existingId)) {
            return existingId;
        }
        if (!versions.isEmpty()) {
            List<String> incompatibilities = ReadCompatibility.problems(schema, latestOf(versions));
            if (!incompatibilities.isEmpty()) {
                throw new SchemaRegistryException(SchemaRegistryException.INCOMPATIBLE_SCHEMA,
                        "Schema being registered is incompatible with an earlier schema for subject '" + subject
                                + "': " + String.join("; ", incompatibilities), url);
            }
        }
        int id = existingId != null ? existingId : newId(schema);
        idsByVersionBySubject.computeIfAbsent(subject, s -> new ArrayList<>()).add(id);
        return id;
    }

    @Override
    public synchronized Schema schemaById(int id) {
        if (id < 1 || id > schemasById.size()) {
            throw new SchemaRegistryException(SchemaRegistryException.SCHEMA_NOT_FOUND,
                    "Schema " + id + " not found", url("/schemas/ids/" + id));
        }
        return schemasById.get(id - 1);
    }

    @Override
    public synchronized RegisteredSchema lookup(String subject, Schema schema) {
        String url = url("/subjects/" + subject);
        List<Integer> versions = versionsOf(subject, url);
        Integer id = idsBySchemaText.get(schema.toString());
        int index = id == null ? -1 : versions.indexOf(id);
        if (index < 0) {
            throw new SchemaRegistryException(SchemaRegistryException.SCHEMA_NOT_FOUND,
                    "Schema not found under subject '" + subject + "'", url);
        }
        return new RegisteredSchema(subject, index + 1, id, schemasById.get(id - 1));
    }

    @Override
    public synchronized RegisteredSchema latestVersion(String subject) {
        List<Integer> versions = versionsOf(subject, url("/subjects/" + subject + "/versions/latest"));
        int id = versions.get(versions.size() - 1);
        return new RegisteredSchema(subject, versions.size(), id, schemasById.get(id - 1));
    }

    @Override
    public synchronized CompatibilityResult testCompatibility(String subject, Schema schema) {
        List<Integer> versions = versionsOf(subject, url("/compatibility/subjects/" + subject + "/versions/latest"));
        List<String> incompatibilities = ReadCompatibility.problems(schema, latestOf(versions));
        return new CompatibilityResult(incompatibilities.isEmpty(), incompatibilities);
    }

    private List<Integer> versionsOf(String subject, String url) {
        List<Integer> versions = idsByVersionBySubject.get(subject);
        if (versions == null) {
            throw new SchemaRegistryException(SchemaRegistryException.SUBJECT_NOT_FOUND,
                    "Subject '" + subject + "' not found", url);
        }
        return versions;
    }

    private Schema latestOf(List<Integer> versions) {
        return schemasById.get(versions.get(versions.size() - 1) - 1);
    }

    private int newId(Schema schema) {
        schemasById.add(schema);
        int id = schemasById.size();
        idsBySchemaText.put(schema.toString(), id);
        return id;
    }

    private String url(String path) {
        return URL_SCHEME + scope + path;
    }

    @Override
    public String toString() {
        return "MockSchemaRegistry[" + URL_SCHEME + scope + "]";
    }
}
