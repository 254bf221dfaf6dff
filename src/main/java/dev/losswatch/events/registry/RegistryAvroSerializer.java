package dev.losswatch.events.registry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes records of one Avro schema as Confluent-framed Avro. On first use per topic it registers the
 * schema under the topic's subject ({@code <topic>-value}, or {@code -key} when configured for keys), or
 * only looks its id up when {@value SchemaRegistryConfig#AUTO_REGISTER_SCHEMAS} is false, and keeps the id.
 * Safe for the concurrent use Kafka Streams makes of one serde instance across stream threads.
 *
 * @param <T> a generated SpecificRecord, or a GenericRecord of {@code schema}
 */
public final class RegistryAvroSerializer<T extends IndexedRecord> implements Serializer<T> {
    /** Per-thread output buffer and encoder, reused from record to record. */
    private static final class Output {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        BinaryEncoder encoder;
    }

    private final Schema schema;
    private final DatumWriter<T> writer;
    private final ThreadLocal<Output> outputs = ThreadLocal.withInitial(Output::new);
    private final ConcurrentMap<String, Integer> idsByTopic = new ConcurrentHashMap<>();
    private volatile SchemaRegistryClient registry;
    private volatile boolean isKey;
    private volatile boolean autoRegister = true;

    /** A serializer whose {@link #configure} builds its registry client from the settings. */
    public RegistryAvroSerializer(Schema schema) {
        this(schema, null);
    }

    /** A serializer using {@code registry}; {@link #configure} then reads only the serde settings. */
    public RegistryAvroSerializer(Schema schema, SchemaRegistryClient registry) {
        this.schema = schema;
        this.writer = new SpecificDatumWriter<>(schema, SpecificData.getForSchema(schema));
        this.registry = registry;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        SchemaRegistryConfig config = new SchemaRegistryConfig(configs);
        if (registry == null) {
            registry = SchemaRegistryClients.fromConfig(configs);
        }
        this.isKey = isKey;
        this.autoRegister = config.autoRegisterSchemas();
        idsByTopic.clear();
    }

    @Override
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        int schemaId = idsByTopic.computeIfAbsent(topic, this::schemaIdFor);
        Output output = outputs.get();
        output.bytes.reset();
        WireFormat.writeHeader(output.bytes, schemaId);
        output.encoder = EncoderFactory.get().directBinaryEncoder(output.bytes, output.encoder);
        try {
            writer.write(record, output.encoder);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot write a " + schema.getFullName() + " to topic '" + topic + "': "
                    + e.getMessage(), e);
        }
        return output.bytes.toByteArray();
    }

    private int schemaIdFor(String topic) {
        if (registry == null) {
            throw new IllegalStateException("serializer of " + schema.getFullName() + " used before configure()");
        }
        String subject = TopicNameStrategy.subject(topic, isKey);
        try {
            return autoRegister ? registry.register(subject, schema) : registry.lookup(subject, schema).id();
        } catch (SchemaRegistryException e) {
            throw new SerializationException("cannot " + (autoRegister ? "register" : "find (auto-registration is off)")
                    + " schema " + schema.getFullName() + " under subject '" + subject + "' for topic '" + topic
                    + "': " + e.getMessage(), e);
        }
    }
}
