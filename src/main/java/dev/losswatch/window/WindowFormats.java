package dev.losswatch.window;

import dev.losswatch.events.LogBase;
import java.nio.ByteBuffer;
import java.util.function.Function;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** What the byte forms of this package share: version checks, log-base codes and null-safe serdes. */
final class WindowFormats {
    /** Code of "no log base yet" (a window without losses). */
    static final int NO_LOG_BASE = 0;

    private WindowFormats() {
    }

    /**
     * A buffer over {@code bytes}, positioned after its version byte, once the bytes are long enough and of
     * the expected version.
     */
    static ByteBuffer open(String what, byte[] bytes, int minimumBytes, int expectedVersion) {
        if (bytes.length < minimumBytes) {
            throw new SerializationException(what + ": " + bytes.length + " bytes are fewer than the "
                    + minimumBytes + " it needs at least");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        requireVersion(what, buffer.get() & 0xFF, expectedVersion);
        return buffer;
    }

    static void requireVersion(String what, int found, int expected) {
        if (found != expected) {
            throw new SerializationException(what + ": format version " + found + " is not supported (expected "
                    + expected + ")");
        }
    }

    /** Stable codes, independent of the order of the Avro enum's symbols. */
    static int logBaseCode(LogBase base) {
        if (base == null) {
            return NO_LOG_BASE;
        }
        switch (base) {
            case E:
                return 1;
            case TWO:
                return 2;
            case TEN:
                return 3;
            default:
                throw new IllegalArgumentException("log base " + base + " has no byte code");
        }
    }

    static LogBase logBaseOf(String what, int code) {
        switch (code) {
            case NO_LOG_BASE:
                return null;
            case 1:
                return LogBase.E;
            case 2:
                return LogBase.TWO;
            case 3:
                return LogBase.TEN;
            default:
                throw new SerializationException(what + ": log base code " + code + " is not one of 0-3");
        }
    }

    /**
     * A serde over a pair of functions; null stays null (tombstones), and a value the bytes decode to but
     * that breaks the type's own rules is reported as a {@link SerializationException} like any other bad input.
     */
    static <T> Serde<T> serde(Function<T, byte[]> encode, Function<byte[], T> decode) {
        return Serdes.serdeFrom(
                (topic, value) -> value == null ? null : encode.apply(value),
                (topic, bytes) -> {
                    if (bytes == null) {
                        return null;
                    }
                    try {
                        return decode.apply(bytes);
                    } catch (SerializationException e) {
                        throw e;
                    } catch (RuntimeException e) {
                        throw new SerializationException("cannot decode " + bytes.length + " bytes from topic "
                                + topic + ": " + e.getMessage(), e);
                    }
                });
    }
}
