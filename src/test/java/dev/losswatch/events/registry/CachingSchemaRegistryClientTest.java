package dev.losswatch.events.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.losswatch.events.Prediction;
import java.io.IOException;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CachingSchemaRegistryClientTest {
    private static final Schema SCHEMA = Prediction.getClassSchema();
    private static final String SCHEMA_FIELD = JsonNodeFactory.instance.textNode(SCHEMA.toString()).toString();

    private ScriptedHttpServer server;
    private SchemaRegistryClient client;

    @BeforeEach
    void startServer() throws IOException {
        server = ScriptedHttpServer.http();
        client = SchemaRegistryClients.fromConfig(Map.of(SchemaRegistryConfig.URL, server.url()));
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void theSchemaOfAnIdIsFetchedOnce() {
        server.reply("GET", "/schemas/ids/7", 200, "{\"schema\": " + SCHEMA_FIELD + "}");

        client.schemaById(7);
        client.schemaById(7);

        assertThat(server.exchanges()).hasSize(1);
    }

    @Test
    void aRegisteredSchemaIsRegisteredOnceAndItsIdNeedsNoFetch() {
        server.reply("POST", "/subjects/predictions-value/versions", 200, "{\"id\": 7}");

        int id = client.register("predictions-value", SCHEMA);
        client.register("predictions-value", SCHEMA);

        assertThat(client.schemaById(id)).isEqualTo(SCHEMA);
        assertThat(server.exchanges()).hasSize(1);
    }

    @Test
    void aLookedUpSchemaIsLookedUpOnceAndRegisteringItNeedsNoRequest() {
        server.reply("POST", "/subjects/predictions-value", 200,
                "{\"subject\": \"predictions-value\", \"version\": 1, \"id\": 7, \"schema\": " + SCHEMA_FIELD + "}");

        client.lookup("predictions-value", SCHEMA);
        client.lookup("predictions-value", SCHEMA);

        assertThat(client.register("predictions-value", SCHEMA)).isEqualTo(7);
        assertThat(server.exchanges()).hasSize(1);
    }

    @Test
    void latestVersionsAndFailuresAreNotRemembered() {
        server.reply("GET", "/subjects/predictions-value/versions/latest", 200,
                "{\"subject\": \"predictions-value\", \"version\": 1, \"id\": 7, \"schema\": " + SCHEMA_FIELD + "}");
        server.reply("GET", "/schemas/ids/8", 404, "{\"error_code\": 40403, \"message\": \"Schema 8 not found\"}");

        client.latestVersion("predictions-value");
        client.latestVersion("predictions-value");
        assertThatThrownBy(() -> client.schemaById(8)).isInstanceOf(SchemaRegistryException.class);
        assertThatThrownBy(() -> client.schemaById(8)).isInstanceOf(SchemaRegistryException.class);

        assertThat(server.exchanges()).hasSize(4);
    }
}
