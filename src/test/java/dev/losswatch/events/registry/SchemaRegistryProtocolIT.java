package dev.losswatch.events.registry;

import dev.losswatch.testing.ApicurioRegistryProcess;
import dev.losswatch.testing.SchemaEdits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.losswatch.events.DlqReason;
import dev.losswatch.events.EventSerdes;
import dev.losswatch.events.Prediction;
import dev.losswatch.events.SampleEvents;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Our registry protocol against a real Confluent-API registry, Apicurio Registry 2.6, with global
 * compatibility BACKWARD as Confluent's default. Each test uses its own subjects: the registry is shared.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SchemaRegistryProtocolIT {
    private static final Schema V1 = Prediction.getClassSchema();
    private static final Schema V2_WITH_DEFAULTED_FIELD = SchemaEdits.withField(V1,
            "{\"name\": \"servingRegion\", \"type\": \"string\", \"default\": \"eu-west-1\"}");
    private static final Schema V2_WITH_REQUIRED_FIELD = SchemaEdits.withField(V1,
            "{\"name\": \"servingRegion\", \"type\": \"string\"}");

    private ApicurioRegistryProcess apicurio;
    private Map<String, String> settings;
    private SchemaRegistryClient registry;

    @BeforeAll
    void startRegistry() throws IOException, InterruptedException {
        apicurio = ApicurioRegistryProcess.start();
        System.out.printf("Apicurio Registry ready after %d ms%n", apicurio.startup().toMillis());
        apicurio.setGlobalCompatibility("BACKWARD");
        settings = Map.of(SchemaRegistryConfig.URL, apicurio.confluentApiUrl());
        registry = SchemaRegistryClients.fromConfig(settings);
    }

    @AfterAll
    void stopRegistry() throws InterruptedException {
        if (apicurio != null) {
            apicurio.close();
        }
    }

    @Test
    void aRegisteredSchemaResolvesBothWaysAndRegisteringItAgainKeepsItsId() {
        int id = registry.register("register-value", V1);

        assertThat(registry.register("register-value", V1)).isEqualTo(id);
        assertThat(registry.schemaById(id)).isEqualTo(V1);
        assertThat(registry.lookup("register-value", V1)).isEqualTo(new RegisteredSchema("register-value", 1, id, V1));
    }

    @Test
    void theLatestVersionFollowsCompatibleRegistrations() {
        registry.register("latest-value", V1);
        int v2 = registry.register("latest-value", V2_WITH_DEFAULTED_FIELD);

        assertThat(registry.latestVersion("latest-value"))
                .isEqualTo(new RegisteredSchema("latest-value", 2, v2, V2_WITH_DEFAULTED_FIELD));
    }

    @Test
    void compatibilityIsJudgedAgainstTheLatestVersionAndAnIncompatibleSchemaIsRefusedWith409() {
        registry.register("compatibility-value", V1);

        assertThat(registry.testCompatibility("compatibility-value", V2_WITH_DEFAULTED_FIELD).compatible()).isTrue();
        CompatibilityResult incompatible = registry.testCompatibility("compatibility-value", V2_WITH_REQUIRED_FIELD);
        assertThat(incompatible.compatible()).isFalse();
        assertThat(incompatible.messages()).isNotEmpty();
        assertThatThrownBy(() -> registry.register("compatibility-value", V2_WITH_REQUIRED_FIELD))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.INCOMPATIBLE_SCHEMA));
    }

    @Test
    void unknownIdsAndSubjectsAreReportedWithTheRegistrysCodes() {
        assertThatThrownBy(() -> registry.schemaById(987_654))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND))
                .hasMessageContaining(apicurio.confluentApiUrl() + "/schemas/ids/987654");
        assertThatThrownBy(() -> registry.latestVersion("nobody-value"))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SUBJECT_NOT_FOUND));
    }

    @Test
    void everyEventTypeMakesARoundTripThroughTheRealRegistry() {
        EventRoundTrips.assertEveryEventTypeReadsBackAsWritten(new EventSerdes(settings), registry, "roundtrip.");
    }

    @Test
    @DisplayName("a producer on a newer compatible schema version is still read by our Prediction deserializer")
    void aNewerProducerIsStillRead() {
        String topic = "evolving.predictions";
        EventSerdes serdes = new EventSerdes(settings);
        serdes.prediction().serializer().serialize(topic, SampleEvents.prediction());
        GenericRecord newer = SampleEvents.genericPrediction(V2_WITH_DEFAULTED_FIELD);
        newer.put("servingRegion", "us-east-2");
        RegistryAvroSerializer<GenericRecord> newerProducer = new RegistryAvroSerializer<>(V2_WITH_DEFAULTED_FIELD);
        newerProducer.configure(settings, false);

        byte[] framed = newerProducer.serialize(topic, newer);

        assertThat(registry.latestVersion(topic + "-value").version()).isEqualTo(2);
        assertThat(serdes.prediction().deserializer().deserialize(topic, framed)).isEqualTo(SampleEvents.prediction());
    }

    @Test
    void aRecordNamingAnIdTheRegistryDoesNotKnowIsDeadLetteredAsAnUnknownSchemaId() {
        byte[] framed = ByteBuffer.allocate(6).put(WireFormat.MAGIC_BYTE).putInt(987_654).put((byte) 0).array();

        assertThatThrownBy(() -> new EventSerdes(settings).prediction().deserializer().deserialize("predictions", framed))
                .isInstanceOfSatisfying(EventDeserializationException.class,
                        e -> assertThat(e.reason()).isEqualTo(DlqReason.UNKNOWN_SCHEMA_ID))
                .hasMessageContaining("names unknown schema id 987654 (schema registry error 40403");
    }
}
