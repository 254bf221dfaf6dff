package dev.losswatch.events.registry;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;

/** Builds the registry client that {@value SchemaRegistryConfig#URL} asks for. */
public final class SchemaRegistryClients {
    private SchemaRegistryClients() {
    }

    /**
     * A caching REST client for http(s) URLs, or the shared in-process registry for {@code mock://<scope>}.
     *
     * @throws ConfigException when the settings are missing or inconsistent
     */
    public static SchemaRegistryClient fromConfig(Map<String, ?> settings) {
        SchemaRegistryConfig config = new SchemaRegistryConfig(settings);
        List<String> urls = config.urls();
        boolean anyMock = urls.stream().anyMatch(url -> url.startsWith(MockSchemaRegistry.URL_SCHEME));
        if (!anyMock) {
            return new CachingSchemaRegistryClient(RestSchemaRegistryClient.create(config));
        }
        if (urls.size() != 1) {
            // the other URLs are not echoed: they may hold credentials
            throw new ConfigException(SchemaRegistryConfig.URL + ": a mock:// registry must be the only URL, not one of "
                    + urls.size());
        }
        String scope = urls.get(0).substring(MockSchemaRegistry.URL_SCHEME.length());
        if (scope.isBlank()) {
            throw new ConfigException(SchemaRegistryConfig.URL, urls.get(0), "mock:// needs a scope name, e.g. mock://demo");
        }
        return MockSchemaRegistry.scope(scope);
    }
}
