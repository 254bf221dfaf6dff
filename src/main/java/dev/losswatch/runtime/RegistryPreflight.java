package dev.losswatch.runtime;

import dev.losswatch.events.registry.RegisteredSchema;
import dev.losswatch.events.registry.SchemaRegistryClient;
import dev.losswatch.events.registry.SchemaRegistryClients;
import dev.losswatch.events.registry.SchemaRegistryConfig;
import dev.losswatch.events.registry.SchemaRegistryException;
import dev.losswatch.events.registry.TopicNameStrategy;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fail-fast check that the schema registry is configured and answers before the app starts consuming: without it every record
 * would fail to decode. It asks for the latest schema of the predictions topic's subject, which any
 * Confluent-API registry answers, either with the schema or with "subject not found" (producers have not
 * registered it yet, which is fine). An in-process {@code mock://} registry always answers.
 */
final class RegistryPreflight {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryPreflight.class);

    private RegistryPreflight() {
    }

    /**
     * @param registryProperties the registry client settings ({@link LosswatchConfig#registryProperties()})
     * @param predictionsTopic   whose value subject to look up
     * @throws PreflightException saying why the registry cannot be used; never with credentials in it
     */
    static void check(Map<String, Object> registryProperties, String predictionsTopic) {
        Object url = registryProperties.get(SchemaRegistryConfig.URL);
        if (url == null || url.toString().isBlank()) {
            throw new PreflightException(SchemaRegistryConfig.URL + " is not set: name the schema registry that the "
                    + "producers use (e.g. http://registry:8081), or mock://<scope> for an in-process one");
        }
        SchemaRegistryClient client;
        try {
            client = SchemaRegistryClients.fromConfig(registryProperties);
        } catch (ConfigException e) {
            throw new PreflightException("Schema registry settings are invalid: " + e.getMessage());
        }
        String subject = TopicNameStrategy.subject(predictionsTopic, false);
        try {
            RegisteredSchema latest = client.latestVersion(subject);
            LOG.info("Schema registry answers; subject {} is at version {} (schema id {})",
                    subject, latest.version(), latest.id());
        } catch (SchemaRegistryException e) {
            switch (e.errorCode()) {
                case SchemaRegistryException.SUBJECT_NOT_FOUND, SchemaRegistryException.VERSION_NOT_FOUND ->
                        LOG.info("Schema registry answers; subject {} has no schema yet (producers register it)", subject);
                case SchemaRegistryException.UNREACHABLE -> throw new PreflightException(e.getMessage()
                        + ". Check that the registry is running and that schema.registry.url names it.");
                case 401, 403 -> throw new PreflightException("The schema registry refused the request: " + e.getMessage()
                        + ". Check basic.auth.credentials.source and basic.auth.user.info (or the user info in the URL).");
                default -> throw new PreflightException("The schema registry did not answer as a Confluent-API registry: "
                        + e.getMessage() + ". Check that schema.registry.url is the registry's API root "
                        + "(for Apicurio Registry: http://host:port/apis/ccompat/v7).");
            }
        }
    }
}
