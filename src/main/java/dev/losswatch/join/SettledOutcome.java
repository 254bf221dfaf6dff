package dev.losswatch.join;

import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * What the join remembers about a predictionId it has finished with, until {@code expiresAt}: whether it was
 * joined (and with which label target and weight, as a {@link LabelFingerprint}) or published unlabeled.
 * Stored in 18 bytes: format version, kind, fingerprint, expiry time.
 *
 * @param labelFingerprint the fingerprint of the label used in the join; 0 and meaningless for {@link Kind#UNLABELED}
 */
record SettledOutcome(Kind kind, long labelFingerprint, long expiresAt) {

    /** The byte values are persisted: never renumber them. */
    enum Kind {
        JOINED((byte) 1),
        UNLABELED((byte) 2);

        private final byte code;

        Kind(byte code) {
            this.code = code;
        }

        static Kind ofCode(byte code) {
            for (Kind kind : values()) {
                if (kind.code == code) {
                    return kind;
                }
            }
            throw new IllegalStateException("settled-outcome value has unknown kind byte " + code);
        }
    }

    private static final byte FORMAT_VERSION = 1;
    private static final int ENCODED_BYTES = 2 + 2 * Long.BYTES;

    static SettledOutcome joined(long labelFingerprint, long expiresAt) {
        return new SettledOutcome(Kind.JOINED, labelFingerprint, expiresAt);
    }

    static SettledOutcome unlabeled(long expiresAt) {
        return new SettledOutcome(Kind.UNLABELED, 0L, expiresAt);
    }

    static Serde<SettledOutcome> serde() {
        Serializer<SettledOutcome> serializer = (topic, outcome) -> outcome == null ? null
                : ByteBuffer.allocate(ENCODED_BYTES)
                        .put(FORMAT_VERSION)
                        .put(outcome.kind.code)
                        .putLong(outcome.labelFingerprint)
                        .putLong(outcome.expiresAt)
                        .array();
        Deserializer<SettledOutcome> deserializer = (topic, bytes) -> bytes == null ? null : decode(topic, bytes);
        return Serdes.serdeFrom(serializer, deserializer);
    }

    private static SettledOutcome decode(String topic, byte[] bytes) {
        if (bytes.length != ENCODED_BYTES || bytes[0] != FORMAT_VERSION) {
            throw new IllegalStateException("settled-outcome value in " + topic + " has " + bytes.length
                    + " bytes and format version " + (bytes.length == 0 ? "none" : bytes[0])
                    + "; expected version " + FORMAT_VERSION + " in " + ENCODED_BYTES + " bytes");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes, 1, ENCODED_BYTES - 1);
        Kind kind = Kind.ofCode(buffer.get());
        return new SettledOutcome(kind, buffer.getLong(), buffer.getLong());
    }
}
