package dev.losswatch.events.registry;

import dev.losswatch.testing.ApicurioRegistryProcess;
import dev.losswatch.testing.SchemaEdits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.losswatch.events.DlqReason;
import dev.losswatch.events.EventSerdes;
import dev.losswatch.events.InvalidEventException;
import dev.losswatch.events.Label;
import dev.losswatch.events.Prediction;
import dev.losswatch.events.SampleEvents;
import com.sun.management.ThreadMXBean;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class RegistryAvroSerdeTest {
    private static final String TOPIC = "predictions";
    private static final String SUBJECT = "predictions-value";

    private final String scope = "serde-" + UUID.randomUUID();
    private final Map<String, String> settings = Map.of(SchemaRegistryConfig.URL, MockSchemaRegistry.URL_SCHEME + scope);
    private final MockSchemaRegistry registry = MockSchemaRegistry.scope(scope);
    private final EventSerdes serdes = new EventSerdes(settings);
    private final Deserializer<Prediction> predictions = serdes.prediction().deserializer();

    @AfterEach
    void forgetRegistry() {
        MockSchemaRegistry.dropScope(scope);
    }

    @Test
    void everyEventTypeReadsBackEqualToWhatWasWritten() {
        EventRoundTrips.assertEveryEventTypeReadsBackAsWritten(serdes, registry, "");
    }

    @Test
    @DisplayName("the serializer registers its schema once per topic and frames every record with that id")
    void serializerRegistersOncePerTopic() {
        Serde<Prediction> serde = serdes.prediction();
        byte[] first = serde.serializer().serialize(TOPIC, SampleEvents.prediction());
        byte[] second = serde.serializer().serialize(TOPIC, SampleEvents.prediction());

        assertThat(registry.latestVersion(SUBJECT).version()).isEqualTo(1);
        assertThat(second).isEqualTo(first);
    }

    @Test
    void nullIsATombstoneBothWays() {
        assertThat(serdes.prediction().serializer().serialize(TOPIC, null)).isNull();
        assertThat(predictions.deserialize(TOPIC, null)).isNull();
    }

    @Test
    void aKeySerializerRegistersUnderTheKeySubject() {
        RegistryAvroSerializer<Prediction> keys = new RegistryAvroSerializer<>(Prediction.getClassSchema());
        keys.configure(settings, true);

        keys.serialize(TOPIC, SampleEvents.prediction());

        assertThat(registry.latestVersion("predictions-key").schema()).isEqualTo(Prediction.getClassSchema());
    }

    @Test
    void withoutAutoRegistrationTheSerializerUsesTheIdAlreadyRegistered() {
        int id = registry.register(SUBJECT, Prediction.getClassSchema());
        RegistryAvroSerializer<Prediction> serializer = new RegistryAvroSerializer<>(Prediction.getClassSchema());
        serializer.configure(Map.of(SchemaRegistryConfig.URL, "mock://" + scope, SchemaRegistryConfig.AUTO_REGISTER_SCHEMAS, "false"), false);

        assertThat(WireFormat.schemaId(TOPIC, serializer.serialize(TOPIC, SampleEvents.prediction()))).isEqualTo(id);
    }

    @Test
    void withoutAutoRegistrationAnUnregisteredSchemaFailsNamingTheSubject() {
        RegistryAvroSerializer<Prediction> serializer = new RegistryAvroSerializer<>(Prediction.getClassSchema(), registry);
        serializer.configure(Map.of(SchemaRegistryConfig.AUTO_REGISTER_SCHEMAS, false), false);

        assertThatThrownBy(() -> serializer.serialize(TOPIC, SampleEvents.prediction()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("cannot find (auto-registration is off) schema dev.losswatch.events.Prediction")
                .hasMessageContaining("subject 'predictions-value' for topic 'predictions'")
                .hasMessageContaining("40401");
    }

    @Test
    void registeringASchemaTheSubjectCannotAcceptFailsWithTheRegistrysVerdict() {
        registry.register(SUBJECT, Label.getClassSchema());

        assertThatThrownBy(() -> serdes.prediction().serializer().serialize(TOPIC, SampleEvents.prediction()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("cannot register schema dev.losswatch.events.Prediction under subject 'predictions-value'")
                .hasMessageContaining("schema registry error 409");
    }

    @Test
    void aRecordMissingARequiredFieldFailsToSerializeNamingTheField() {
        Prediction incomplete = SampleEvents.prediction();
        incomplete.setModelId(null);

        assertThatThrownBy(() -> serdes.prediction().serializer().serialize(TOPIC, incomplete))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("cannot write a dev.losswatch.events.Prediction to topic 'predictions'")
                .hasMessageContaining("modelId");
    }

    @Nested
    @DisplayName("records written by other producers")
    class OtherProducers {
        @Test
        @DisplayName("a newer writer schema with an added field is read, the field ignored")
        void newerWriterWithAnAddedField() {
            Schema newer = SchemaEdits.withField(Prediction.getClassSchema(),
                    "{\"name\": \"servingRegion\", \"type\": \"string\", \"default\": \"eu-west-1\"}");
            GenericRecord written = SampleEvents.genericPrediction(newer);
            written.put("servingRegion", "us-east-2");

            Prediction read = predictions.deserialize(TOPIC, writeAs(newer, written));

            assertThat(read).isEqualTo(SampleEvents.prediction());
        }

        @Test
        @DisplayName("an older writer schema without classNames and attributes is read with their defaults")
        void olderWriterWithoutOptionalFields() {
            Schema older = SchemaEdits.withoutFields(Prediction.getClassSchema(), "classNames", "attributes");

            Prediction read = predictions.deserialize(TOPIC, writeAs(older, SampleEvents.genericPrediction(older)));

            assertThat(read.getClassNames()).isEmpty();
            assertThat(read.getAttributes()).isEmpty();
            assertThat(read.getScores()).containsExactly(0.7f, 0.2f, 0.1f);
            assertThat(read.getTimestamp()).isEqualTo(SampleEvents.prediction().getTimestamp());
        }
    }

    @Nested
    @DisplayName("bytes that can never be read are rejected with a dead-letter reason")
    class Undecodable {
        @Test
        void jsonInsteadOfAvroHasTheWrongMagicByte() {
            byte[] json = "{\"predictionId\": \"p-1\"}".getBytes(StandardCharsets.UTF_8);

            assertRejected(json, DlqReason.UNDECODABLE,
                    "record on topic 'predictions' has magic byte 0x7b, expected 0x00 (not Confluent-framed Avro)");
        }

        @Test
        void fewerBytesThanTheHeaderAreNotFramed() {
            assertRejected(new byte[] {0, 0, 1}, DlqReason.UNDECODABLE,
                    "record on topic 'predictions' is 3 bytes, shorter than the 5-byte header");
        }

        @Test
        void aRecordCutShortIsTruncated() {
            byte[] framed = serdes.prediction().serializer().serialize(TOPIC, SampleEvents.prediction());
            byte[] cut = Arrays.copyOf(framed, framed.length - 4);

            assertRejected(cut, DlqReason.UNDECODABLE, "truncated Avro: record on topic 'predictions' (schema id 1, "
                    + "record dev.losswatch.events.Prediction) ends after its " + (cut.length - 5) + "-byte Avro body");
        }

        @Test
        void bytesLeftOverAfterTheRecordMeanTheDataDoesNotMatchItsSchema() {
            byte[] framed = serdes.prediction().serializer().serialize(TOPIC, SampleEvents.prediction());
            byte[] padded = Arrays.copyOf(framed, framed.length + 3);

            assertRejected(padded, DlqReason.UNDECODABLE, "corrupt Avro: record on topic 'predictions' (schema id 1, "
                    + "record dev.losswatch.events.Prediction) leaves 3 of its " + (padded.length - 5) + " Avro bytes unread");
        }

        @Test
        void aVarintLongerThanALongCanBeIsCorruptAndTheMessageSaysWhere() {
            int id = registry.register(SUBJECT, Prediction.getClassSchema());
            // "p", "m", "", then the timestamp as eleven varint bytes where a long has at most ten
            byte[] body = new byte[16];
            Arrays.fill(body, (byte) 0xff);
            System.arraycopy(new byte[] {0x02, 'p', 0x02, 'm', 0x00}, 0, body, 0, 5);
            body[15] = 0x01;

            assertRejected(framed(id, body), DlqReason.UNDECODABLE, "corrupt Avro: record on topic 'predictions' (schema id "
                    + id + ", record dev.losswatch.events.Prediction) fails to decode near byte ", " of its 16-byte Avro body: ",
                    "Invalid long encoding");
        }

        @Test
        void anEnumIndexOutOfRangeIsCorrupt() {
            int id = registry.register(SUBJECT, Prediction.getClassSchema());
            // "p", "m", "", timestamp 0, outputType index 9 (of 6 symbols), no scores, classNames, attributes
            byte[] framed = framed(id, new byte[] {0x02, 'p', 0x02, 'm', 0x00, 0x00, 0x12, 0x00, 0x00, 0x00});

            assertRejected(framed, DlqReason.UNDECODABLE, "corrupt Avro: record on topic 'predictions' (schema id " + id
                    + ", record dev.losswatch.events.Prediction) fails to resolve its 10-byte Avro body to "
                    + "dev.losswatch.events.Prediction: ");
        }

        @Test
        @DisplayName("a length claiming more bytes than the record has fails before anything that large is allocated")
        void aHugeClaimedLengthIsTruncatedWithoutBeingAllocated() throws IOException {
            int id = registry.register(SUBJECT, Prediction.getClassSchema());
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(body, null);
            encoder.writeInt(2_000_000_000); // predictionId's length
            encoder.writeFixed(new byte[] {'p', '-', '1'});
            byte[] poison = framed(id, body.toByteArray());
            ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();

            long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
            assertRejected(poison, DlqReason.UNDECODABLE, "truncated Avro: record on topic 'predictions' (schema id " + id
                    + ", record dev.losswatch.events.Prediction) ends after its 8-byte Avro body");
            long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;

            assertThat(allocated).as("bytes allocated to reject the record").isLessThan(64L << 20);
        }

        @Test
        void anIdTheRegistryDoesNotKnowIsAnUnknownSchemaId() {
            assertRejected(framed(42, new byte[] {0}), DlqReason.UNKNOWN_SCHEMA_ID,
                    "record on topic 'predictions' names unknown schema id 42 (schema registry error 40403");
        }

        @Test
        void aLabelOnThePredictionsTopicIsTheWrongSchema() {
            byte[] label = serdes.label().serializer().serialize("labels", SampleEvents.label());

            assertRejected(label, DlqReason.WRONG_SCHEMA, "record on topic 'predictions': schema id 1 is record "
                    + "dev.losswatch.events.Label, cannot be read as dev.losswatch.events.Prediction: NAME_MISMATCH");
        }

        @Test
        void aPredictionWhoseFieldChangedTypeIsTheWrongSchemaAndTheMessageNamesTheField() {
            Schema textScores = SchemaEdits.withFieldType(Prediction.getClassSchema(), "scores", "\"string\"");
            int id = registry.register("legacy-value", textScores);

            assertRejected(framed(id, new byte[] {0}), DlqReason.WRONG_SCHEMA,
                    "schema id " + id + " is record dev.losswatch.events.Prediction, cannot be read as "
                            + "dev.losswatch.events.Prediction: TYPE_MISMATCH at /fields/5/type");
        }

        @Test
        void aWriterSchemaThatIsNotARecordIsTheWrongSchema() {
            int id = registry.register("strings-value", Schema.create(Schema.Type.STRING));

            assertRejected(framed(id, new byte[] {0}), DlqReason.WRONG_SCHEMA,
                    "schema id " + id + " is string, cannot be read as dev.losswatch.events.Prediction: TYPE_MISMATCH");
        }

        @Test
        void anIdHoldingAProtobufSchemaIsTheWrongSchema() throws IOException {
            try (ScriptedHttpServer protobufRegistry = ScriptedHttpServer.http()) {
                protobufRegistry.reply("GET", "/schemas/ids/9", 200,
                        "{\"schemaType\": \"PROTOBUF\", \"schema\": \"syntax = \\\"proto3\\\";\"}");
                Deserializer<Prediction> overProtobufRegistry = new EventSerdes(
                        Map.of(SchemaRegistryConfig.URL, protobufRegistry.url())).prediction().deserializer();

                assertThatThrownBy(() -> overProtobufRegistry.deserialize(TOPIC, framed(9, new byte[] {0})))
                        .isInstanceOfSatisfying(EventDeserializationException.class,
                                rejected -> assertThat(rejected.reason()).isEqualTo(DlqReason.WRONG_SCHEMA))
                        .hasMessageContaining("record on topic 'predictions': schema id 9 is not Avro, cannot be read as "
                                + "dev.losswatch.events.Prediction")
                        .hasMessageContaining("it is a PROTOBUF schema");
            }
        }

        private void assertRejected(byte[] data, DlqReason reason, String... messageParts) {
            assertThatThrownBy(() -> predictions.deserialize(TOPIC, data))
                    .isInstanceOfSatisfying(EventDeserializationException.class,
                            rejected -> assertThat(rejected.reason()).isEqualTo(reason))
                    .hasMessageContainingAll(messageParts)
                    .cause().isInstanceOfSatisfying(InvalidEventException.class,
                            // what the dead-letter handler looks for in the cause chain
                            invalid -> assertThat(invalid.reason()).isEqualTo(reason));
        }
    }

    @Test
    @DisplayName("an unreachable registry is not the record's fault: no dead-letter reason")
    void anUnreachableRegistryFailsWithoutADeadLetterReason() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        EventSerdes unreachable = new EventSerdes(Map.of(SchemaRegistryConfig.URL, "http://127.0.0.1:" + closedPort));

        assertThatThrownBy(() -> unreachable.prediction().deserializer().deserialize(TOPIC, framed(3, new byte[] {0})))
                .isInstanceOf(SerializationException.class)
                .isNotInstanceOf(EventDeserializationException.class)
                .satisfies(failure -> assertThat(failure).rootCause().isNotInstanceOf(InvalidEventException.class))
                .hasMessageContaining("cannot fetch writer schema id 3 of a record on topic 'predictions'")
                .hasMessageContaining("schema registry unreachable");
    }

    private byte[] writeAs(Schema writerSchema, GenericRecord record) {
        RegistryAvroSerializer<GenericRecord> otherProducer = new RegistryAvroSerializer<>(writerSchema, registry);
        otherProducer.configure(Map.of(), false);
        return otherProducer.serialize(TOPIC, record);
    }

    private static byte[] framed(int schemaId, byte[] avro) {
        return ByteBuffer.allocate(WireFormat.HEADER_SIZE + avro.length)
                .put(WireFormat.MAGIC_BYTE).putInt(schemaId).put(avro).array();
    }
}
