package dev.losswatch.window;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Byte encodings whose unsigned lexicographic order is the order of the values they encode, so that the
 * byte-ordered stores of Kafka Streams can answer range queries over composite keys. Strings are UTF-8
 * with every 0x00 escaped as 0x00 0xFF and a 0x00 0x01 terminator: a string then sorts before every
 * string it is a proper prefix of, and the fields after it cannot bleed into it. Numbers are big-endian
 * with the sign bit flipped, so negative values sort before positive ones.
 */
final class OrderedBytes {
    private static final byte ESCAPE = 0x00;
    private static final byte ESCAPED_ZERO = (byte) 0xFF;
    private static final byte TERMINATOR = 0x01;

    private OrderedBytes() {
    }

    /** Accumulates fields in order; one per key being encoded. */
    static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream(64);

        Writer writeByte(int value) {
            out.write(value);
            return this;
        }

        Writer writeString(String value) {
            for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
                out.write(b);
                if (b == ESCAPE) {
                    out.write(ESCAPED_ZERO);
                }
            }
            out.write(ESCAPE);
            out.write(TERMINATOR);
            return this;
        }

        Writer writeLong(long value) {
            return writeBigEndian(value ^ Long.MIN_VALUE, Long.BYTES);
        }

        Writer writeInt(int value) {
            return writeBigEndian(value ^ Integer.MIN_VALUE, Integer.BYTES);
        }

        private Writer writeBigEndian(long value, int byteCount) {
            for (int shift = 8 * (byteCount - 1); shift >= 0; shift -= 8) {
                out.write((int) (value >>> shift));
            }
            return this;
        }

        Writer writeBytes(byte[] bytes) {
            out.write(bytes, 0, bytes.length);
            return this;
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }
    }

    /** Reads fields back in the order they were written; every failure names the field and the offset. */
    static final class Reader {
        private final byte[] bytes;
        private final String what;
        private int position;

        Reader(byte[] bytes, String what) {
            this.bytes = bytes;
            this.what = what;
        }

        int readByte(String field) {
            require(1, field);
            return bytes[position++] & 0xFF;
        }

        String readString(String field) {
            ByteArrayOutputStream utf8 = new ByteArrayOutputStream(32);
            int start = position;
            while (true) {
                require(1, field);
                byte b = bytes[position++];
                if (b != ESCAPE) {
                    utf8.write(b);
                    continue;
                }
                require(1, field);
                byte next = bytes[position++];
                if (next == TERMINATOR) {
                    return utf8.toString(StandardCharsets.UTF_8);
                }
                if (next != ESCAPED_ZERO) {
                    throw new SerializationException(what + ": field " + field + " starting at byte " + start
                            + " has 0x00 followed by 0x" + Integer.toHexString(next & 0xFF)
                            + " at byte " + (position - 1) + "; expected 0xFF (escaped zero) or 0x01 (end)");
                }
                utf8.write(0);
            }
        }

        long readLong(String field) {
            return readBigEndian(Long.BYTES, field) ^ Long.MIN_VALUE;
        }

        int readInt(String field) {
            return (int) readBigEndian(Integer.BYTES, field) ^ Integer.MIN_VALUE;
        }

        private long readBigEndian(int byteCount, String field) {
            require(byteCount, field);
            long value = 0;
            for (int i = 0; i < byteCount; i++) {
                value = (value << 8) | (bytes[position++] & 0xFF);
            }
            return value;
        }

        void requireEnd() {
            if (position != bytes.length) {
                throw new SerializationException(what + ": " + (bytes.length - position)
                        + " unexpected bytes after the last field at byte " + position);
            }
        }

        private void require(int count, String field) {
            if (bytes.length - position < count) {
                throw new SerializationException(what + ": truncated in field " + field + " at byte " + position
                        + " of " + bytes.length);
            }
        }
    }
}
