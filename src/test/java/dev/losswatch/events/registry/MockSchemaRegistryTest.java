package dev.losswatch.events.registry;

import dev.losswatch.testing.ApicurioRegistryProcess;
import dev.losswatch.testing.SchemaEdits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.losswatch.events.Label;
import dev.losswatch.events.Prediction;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MockSchemaRegistryTest {
    private static final String SUBJECT = "predictions-value";
    private static final Schema V1 = Prediction.getClassSchema();
    private static final Schema V2_WITH_DEFAULTED_FIELD = SchemaEdits.withField(V1,
            "{\"name\": \"servingRegion\", \"type\": \"string\", \"default\": \"\"}");
    private static final Schema V2_WITH_REQUIRED_FIELD = SchemaEdits.withField(V1,
            "{\"name\": \"servingRegion\", \"type\": \"string\"}");

    private final String scope = "mock-" + UUID.randomUUID();
    private final MockSchemaRegistry registry = MockSchemaRegistry.scope(scope);

    @AfterEach
    void forgetRegistry() {
        MockSchemaRegistry.dropScope(scope);
    }

    @Test
    void registeringTheSameSchemaTwiceReturnsTheSameIdAndAddsNoVersion() {
        int first = registry.register(SUBJECT, V1);
        int second = registry.register(SUBJECT, V1);

        assertThat(second).isEqualTo(first);
        assertThat(registry.latestVersion(SUBJECT)).isEqualTo(new RegisteredSchema(SUBJECT, 1, first, V1));
    }

    @Test
    void idsAreGlobalSoOneSchemaUnderTwoSubjectsHasOneId() {
        int underPredictions = registry.register(SUBJECT, V1);
        int underArchive = registry.register("predictions-archive-value", V1);
        int label = registry.register("labels-value", Label.getClassSchema());

        assertThat(underArchive).isEqualTo(underPredictions);
        assertThat(label).isNotEqualTo(underPredictions);
        assertThat(registry.schemaById(label)).isEqualTo(Label.getClassSchema());
    }

    @Test
    void aBackwardCompatibleSchemaBecomesTheNextVersion() {
        registry.register(SUBJECT, V1);
        int id = registry.register(SUBJECT, V2_WITH_DEFAULTED_FIELD);

        assertThat(registry.latestVersion(SUBJECT)).isEqualTo(new RegisteredSchema(SUBJECT, 2, id, V2_WITH_DEFAULTED_FIELD));
        assertThat(registry.lookup(SUBJECT, V1).version()).isEqualTo(1);
    }

    @Test
    void aSchemaThatCannotReadTheLatestVersionIsRejectedWith409() {
        registry.register(SUBJECT, V1);

        assertThatThrownBy(() -> registry.register(SUBJECT, V2_WITH_REQUIRED_FIELD))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.INCOMPATIBLE_SCHEMA))
                .hasMessageContaining("incompatible with an earlier schema for subject 'predictions-value'")
                .hasMessageContaining("READER_FIELD_MISSING_DEFAULT_VALUE")
                .hasMessageContaining("servingRegion");
        assertThat(registry.latestVersion(SUBJECT).version()).isEqualTo(1);
    }

    @Test
    void compatibilityIsTestedAgainstTheLatestVersionWithoutRegistering() {
        registry.register(SUBJECT, V1);

        assertThat(registry.testCompatibility(SUBJECT, V2_WITH_DEFAULTED_FIELD).compatible()).isTrue();
        CompatibilityResult incompatible = registry.testCompatibility(SUBJECT, V2_WITH_REQUIRED_FIELD);
        assertThat(incompatible.compatible()).isFalse();
        assertThat(incompatible.messages()).singleElement().asString().contains("READER_FIELD_MISSING_DEFAULT_VALUE");
        assertThat(registry.latestVersion(SUBJECT).version()).isEqualTo(1);
    }

    @Test
    void anUnknownSubjectIs40401() {
        assertThatThrownBy(() -> registry.latestVersion("nobody-value")).satisfies(e -> assertCode(e, 40401))
                .hasMessage("schema registry error 40401 at mock://" + scope
                        + "/subjects/nobody-value/versions/latest: Subject 'nobody-value' not found");
        assertThatThrownBy(() -> registry.lookup("nobody-value", V1)).satisfies(e -> assertCode(e, 40401));
        assertThatThrownBy(() -> registry.testCompatibility("nobody-value", V1)).satisfies(e -> assertCode(e, 40401));
    }

    @Test
    void anUnknownSchemaIs40403() {
        registry.register(SUBJECT, V1);

        assertThatThrownBy(() -> registry.schemaById(99)).satisfies(e -> assertCode(e, 40403))
                .hasMessageContaining("Schema 99 not found");
        assertThatThrownBy(() -> registry.lookup(SUBJECT, Label.getClassSchema())).satisfies(e -> assertCode(e, 40403));
    }

    @Test
    void everyClientNamingAScopeSharesItsRegistryAndOtherScopesAreSeparate() {
        Map<String, String> sameScope = Map.of(SchemaRegistryConfig.URL, "mock://" + scope);
        int id = SchemaRegistryClients.fromConfig(sameScope).register(SUBJECT, V1);

        assertThat(SchemaRegistryClients.fromConfig(sameScope).schemaById(id)).isEqualTo(V1);
        String otherScope = scope + "-other";
        try {
            assertThatThrownBy(() -> MockSchemaRegistry.scope(otherScope).schemaById(id)).satisfies(e -> assertCode(e, 40403));
        } finally {
            MockSchemaRegistry.dropScope(otherScope);
        }
    }

    @Test
    void aMockUrlNeedsAScopeAndMustStandAlone() {
        assertThatThrownBy(() -> SchemaRegistryClients.fromConfig(Map.of(SchemaRegistryConfig.URL, "mock://")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("mock:// needs a scope name");
        assertThatThrownBy(() -> SchemaRegistryClients.fromConfig(
                Map.of(SchemaRegistryConfig.URL, "mock://a,http://user:secret@registry:8081")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("a mock:// registry must be the only URL")
                .hasMessageNotContaining("secret");
    }

    private static void assertCode(Throwable e, int errorCode) {
        assertThat(e).isInstanceOfSatisfying(SchemaRegistryException.class,
                registryError -> assertThat(registryError.errorCode()).isEqualTo(errorCode));
    }
}
