package dev.losswatch.events.registry;

import dev.losswatch.events.DlqReason;
import java.io.EOFException;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent-framed Avro as one generated record type. The writer schema named by each record's id is
 * fetched once and resolved against our reader schema (Avro schema resolution), so producers that evolved
 * their schema compatibly, newer or older, are still read. Bytes that can never be read fail with an
 * {@link EventDeserializationException} saying why and where; a registry outage fails with a plain
 * {@link SerializationException}, since the record itself may be fine.
 *
 * @param <T> the generated record class read
 */
public final class RegistryAvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {
    /** What a writer id resolves to. Both outcomes are facts about an immutable id, so both are kept. */
    private sealed interface WriterResolution<T> permits Readable, Unreadable {
        /** e.g. "record dev.losswatch.events.Prediction", for messages. */
        String writer();
    }

    private record Readable<T>(String writer, Schema writerSchema, DatumReader<T> reader) implements WriterResolution<T> {
    }

    private record Unreadable<T>(String writer, String because) implements WriterResolution<T> {
    }

    private final Schema readerSchema;
    private final SpecificData model;
    private final ConcurrentMap<Integer, WriterResolution<T>> resolutionsByWriterId = new ConcurrentHashMap<>();
    private final ThreadLocal<BinaryDecoder> decoders = new ThreadLocal<>();
    private volatile SchemaRegistryClient registry;

    /** A deserializer whose {@link #configure} builds its registry client from the settings. */
    public RegistryAvroDeserializer(Class<T> type) {
        this(type, null);
    }

    /** A deserializer using {@code registry}. */
    public RegistryAvroDeserializer(Class<T> type, SchemaRegistryClient registry) {
        this.model = SpecificData.getForClass(type);
        this.readerSchema = model.getSchema(type);
        this.registry = registry;
    }

    /** The schema of {@code T}, which every record is resolved to. */
    public Schema readerSchema() {
        return readerSchema;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        if (registry == null) {
            registry = SchemaRegistryClients.fromConfig(configs);
        }
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        int schemaId = WireFormat.schemaId(topic, data);
        WriterResolution<T> resolution = resolve(topic, schemaId);
        if (resolution instanceof Unreadable<T> unreadable) {
            throw new EventDeserializationException(DlqReason.WRONG_SCHEMA, "record on topic '" + topic + "': schema id "
                    + schemaId + " is " + unreadable.writer() + ", cannot be read as " + readerSchema.getFullName()
                    + ": " + unreadable.because());
        }
        Readable<T> readable = (Readable<T>) resolution;
        String where = "record on topic '" + topic + "' (schema id " + schemaId + ", " + readable.writer() + ")";
        int bodyLength = data.length - WireFormat.HEADER_SIZE;
        checkFraming(readable.writerSchema(), data, where);
        try {
            return readable.reader().read(null, decoderOver(data));
        } catch (IOException | RuntimeException e) {
            throw new EventDeserializationException(DlqReason.UNDECODABLE, "corrupt Avro: " + where + " fails to resolve "
                    + "its " + bodyLength + "-byte Avro body to " + readerSchema.getFullName() + ": " + e, e);
        }
    }

    /**
     * Walks the body with the writer schema without building anything, so that lengths and counts that claim
     * more bytes than the record has fail here (a 7-byte record claiming a 2 GB string would otherwise make
     * the reader allocate 2 GB), and so that truncation and left-over bytes are told apart from other damage.
     */
    private void checkFraming(Schema writerSchema, byte[] data, String where) {
        int bodyLength = data.length - WireFormat.HEADER_SIZE;
        BinaryDecoder decoder = decoderOver(data);
        try {
            GenericDatumReader.skip(writerSchema, decoder);
        } catch (EOFException e) {
            throw new EventDeserializationException(DlqReason.UNDECODABLE, "truncated Avro: " + where + " ends after its "
                    + bodyLength + "-byte Avro body, before the record is complete", e);
        } catch (IOException | RuntimeException e) {
            throw new EventDeserializationException(DlqReason.UNDECODABLE, "corrupt Avro: " + where + " fails to decode near "
                    + "byte " + bytesRead(decoder, bodyLength) + " of its " + bodyLength + "-byte Avro body: " + e, e);
        }
        int consumed = bytesRead(decoder, bodyLength);
        if (consumed != bodyLength) {
            throw new EventDeserializationException(DlqReason.UNDECODABLE, "corrupt Avro: " + where + " leaves "
                    + (bodyLength - consumed) + " of its " + bodyLength
                    + " Avro bytes unread: the bytes do not match the schema they name");
        }
    }

    private BinaryDecoder decoderOver(byte[] data) {
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(
                data, WireFormat.HEADER_SIZE, data.length - WireFormat.HEADER_SIZE, decoders.get());
        decoders.set(decoder);
        return decoder;
    }

    private WriterResolution<T> resolve(String topic, int schemaId) {
        WriterResolution<T> known = resolutionsByWriterId.get(schemaId);
        if (known != null) {
            return known;
        }
        WriterResolution<T> resolution;
        try {
            resolution = resolve(registry.schemaById(schemaId));
        } catch (UnusableSchemaException e) {
            resolution = new Unreadable<>("not Avro", e.getMessage());
        } catch (SchemaRegistryException e) {
            if (e.errorCode() == SchemaRegistryException.SCHEMA_NOT_FOUND) {
                throw new EventDeserializationException(DlqReason.UNKNOWN_SCHEMA_ID, "record on topic '" + topic
                        + "' names unknown schema id " + schemaId + " (" + e.getMessage() + ")", e);
            }
            throw new SerializationException("cannot fetch writer schema id " + schemaId + " of a record on topic '"
                    + topic + "': " + e.getMessage(), e);
        }
        WriterResolution<T> raced = resolutionsByWriterId.putIfAbsent(schemaId, resolution);
        return raced != null ? raced : resolution;
    }

    private WriterResolution<T> resolve(Schema writerSchema) {
        String writer = writerSchema.getType() == Schema.Type.RECORD
                ? "record " + writerSchema.getFullName()
                : writerSchema.getType().getName();
        List<String> problems = ReadCompatibility.problems(readerSchema, writerSchema);
        if (!problems.isEmpty()) {
            return new Unreadable<>(writer, String.join("; ", problems));
        }
        return new Readable<>(writer, writerSchema, new SpecificDatumReader<>(writerSchema, readerSchema, model));
    }

    private static int bytesRead(BinaryDecoder decoder, int bodyLength) {
        try {
            return bodyLength - decoder.inputStream().available();
        } catch (IOException e) {
            throw new IllegalStateException("an in-memory decoder cannot fail to count its bytes", e);
        }
    }
}
