package dev.losswatch.events.registry;

import dev.losswatch.events.DlqReason;
import java.io.ByteArrayOutputStream;

/**
 * Confluent's framing of a registry-encoded record: byte 0 is the magic byte 0, bytes 1-4 the schema id
 * (big-endian), then the Avro binary encoding of the record with that schema.
 */
public final class WireFormat {
    public static final byte MAGIC_BYTE = 0;
    public static final int HEADER_SIZE = 5;

    private WireFormat() {
    }

    public static void writeHeader(ByteArrayOutputStream out, int schemaId) {
        out.write(MAGIC_BYTE);
        out.write(schemaId >>> 24);
        out.write(schemaId >>> 16);
        out.write(schemaId >>> 8);
        out.write(schemaId);
    }

    /**
     * The schema id a framed record names.
     *
     * @throws EventDeserializationException ({@link DlqReason#UNDECODABLE}) when the bytes are not framed
     */
    public static int schemaId(String topic, byte[] framed) {
        if (framed.length < HEADER_SIZE) {
            throw new EventDeserializationException(DlqReason.UNDECODABLE, "record on topic '" + topic + "' is "
                    + framed.length + " bytes, shorter than the " + HEADER_SIZE
                    + "-byte header of Confluent-framed Avro (magic byte and schema id)");
        }
        if (framed[0] != MAGIC_BYTE) {
            throw new EventDeserializationException(DlqReason.UNDECODABLE, String.format(
                    "record on topic '%s' has magic byte 0x%02x, expected 0x%02x (not Confluent-framed Avro)",
                    topic, framed[0] & 0xff, MAGIC_BYTE));
        }
        return (framed[1] & 0xff) << 24 | (framed[2] & 0xff) << 16 | (framed[3] & 0xff) << 8 | framed[4] & 0xff;
    }
}
