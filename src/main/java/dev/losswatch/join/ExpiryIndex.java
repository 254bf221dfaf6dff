package dev.losswatch.join;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.common.utils.Bytes;

/**
 * Keys of the time-index store: big-endian expiry time, then the kind of entry, then the predictionId. Stores
 * order keys as unsigned bytes, and a big-endian non-negative long sorts like the number, so the range from
 * {@link #LOWEST} to {@link #upperBoundThrough(long)} holds exactly the entries due at or before that time.
 *
 * <p>The entry of a waiting prediction or label has a {@link WaitingValue}: when the waiting record arrived, which
 * tells it apart from a later record for the same predictionId, and for a label where it was read from. The
 * entry of a settled outcome has an empty value: the outcome itself holds its expiry time.
 */
final class ExpiryIndex {

    /** Which store an index entry points into. The byte values are persisted: never renumber them. */
    enum EntryKind {
        PREDICTION((byte) 1),
        LABEL((byte) 2),
        SETTLED((byte) 3);

        private final byte code;

        EntryKind(byte code) {
            this.code = code;
        }

        static EntryKind ofCode(byte code) {
            for (EntryKind kind : values()) {
                if (kind.code == code) {
                    return kind;
                }
            }
            throw new IllegalStateException("expiry-index key has unknown entry kind byte " + code);
        }
    }

    /** One decoded index key. */
    record Entry(long expiresAt, EntryKind kind, String predictionId) {
    }

    /** The value of a waiting entry: arrival time, then for a label its source (version 1 format). */
    record WaitingValue(long arrivedAt, Optional<LabelSource> source) {

        private static final byte FORMAT_VERSION = 1;
        private static final int ARRIVAL_BYTES = 1 + Long.BYTES;
        private static final int SOURCE_FIXED_BYTES = Integer.BYTES + Long.BYTES;

        byte[] encode() {
            if (source.isEmpty()) {
                return ByteBuffer.allocate(ARRIVAL_BYTES).put(FORMAT_VERSION).putLong(arrivedAt).array();
            }
            LabelSource origin = source.get();
            byte[] topic = origin.topic().getBytes(StandardCharsets.UTF_8);
            return ByteBuffer.allocate(ARRIVAL_BYTES + SOURCE_FIXED_BYTES + topic.length)
                    .put(FORMAT_VERSION)
                    .putLong(arrivedAt)
                    .putInt(origin.partition())
                    .putLong(origin.offset())
                    .put(topic)
                    .array();
        }

        static WaitingValue decode(byte[] value) {
            boolean wellFormed = value != null && value.length >= ARRIVAL_BYTES && value[0] == FORMAT_VERSION
                    && (value.length == ARRIVAL_BYTES || value.length >= ARRIVAL_BYTES + SOURCE_FIXED_BYTES);
            if (!wellFormed) {
                throw new IllegalStateException("expiry-index value of " + (value == null ? "null" : value.length + " bytes")
                        + " is not a version " + FORMAT_VERSION + " waiting entry (version byte, 8-byte arrival time,"
                        + " then optionally partition, offset and topic)");
            }
            ByteBuffer buffer = ByteBuffer.wrap(value, 1, value.length - 1);
            long arrivedAt = buffer.getLong();
            if (value.length == ARRIVAL_BYTES) {
                return new WaitingValue(arrivedAt, Optional.empty());
            }
            int partition = buffer.getInt();
            long offset = buffer.getLong();
            int topicStart = ARRIVAL_BYTES + SOURCE_FIXED_BYTES;
            String topic = new String(value, topicStart, value.length - topicStart, StandardCharsets.UTF_8);
            return new WaitingValue(arrivedAt, Optional.of(new LabelSource(topic, partition, offset)));
        }
    }

    private static final int TIME_AND_KIND_BYTES = Long.BYTES + 1;

    /** Below every key: index keys are never shorter than this and times are never negative. */
    static final Bytes LOWEST = Bytes.wrap(new byte[Long.BYTES]);

    private ExpiryIndex() {
    }

    static Bytes key(long expiresAt, EntryKind kind, String predictionId) {
        if (expiresAt < 0) {
            throw new IllegalArgumentException("expiry time must not be negative, was " + expiresAt + " for predictionId '" + predictionId + "'");
        }
        byte[] id = predictionId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(TIME_AND_KIND_BYTES + id.length)
                .putLong(expiresAt)
                .put(kind.code)
                .put(id)
                .array());
    }

    /**
     * The inclusive upper bound of a scan for entries due at or before {@code now}: the time followed by 0xFF,
     * which sorts after every key with that time (their kind byte is smaller) and before every later time.
     */
    static Bytes upperBoundThrough(long now) {
        return Bytes.wrap(ByteBuffer.allocate(TIME_AND_KIND_BYTES).putLong(now).put((byte) 0xFF).array());
    }

    static Entry decode(Bytes key) {
        byte[] bytes = key.get();
        if (bytes.length < TIME_AND_KIND_BYTES) {
            throw new IllegalStateException("expiry-index key of " + bytes.length + " bytes is shorter than the "
                    + TIME_AND_KIND_BYTES + " bytes of time and kind");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        long expiresAt = buffer.getLong();
        EntryKind kind = EntryKind.ofCode(buffer.get());
        String predictionId = new String(bytes, TIME_AND_KIND_BYTES, bytes.length - TIME_AND_KIND_BYTES, StandardCharsets.UTF_8);
        return new Entry(expiresAt, kind, predictionId);
    }
}
