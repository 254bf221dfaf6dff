package dev.losswatch.window;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;

/**
 * An input that arrived after the window of size {@code windowSizeMs} starting at {@code windowStartMs}
 * had closed; it was not added to that window (it may have been added to windows of other sizes that were
 * still open). Published once per closed window it missed, keyed by its {@link WindowKey}.
 */
public record LateInput(long windowSizeMs, long windowStartMs, WindowInput input) {
    private static final int FORMAT_VERSION = 1;
    private static final int HEADER_BYTES = 1 + 2 * Long.BYTES;

    public LateInput {
        Objects.requireNonNull(input, "LateInput.input must not be null");
    }

    public byte[] toBytes() {
        byte[] inputBytes = WindowInputCodec.toBytes(input);
        return ByteBuffer.allocate(HEADER_BYTES + inputBytes.length)
                .put((byte) FORMAT_VERSION)
                .putLong(windowSizeMs)
                .putLong(windowStartMs)
                .put(inputBytes)
                .array();
    }

    public static LateInput fromBytes(byte[] bytes) {
        ByteBuffer buffer = WindowFormats.open("LateInput", bytes, HEADER_BYTES, FORMAT_VERSION);
        long sizeMs = buffer.getLong();
        long startMs = buffer.getLong();
        return new LateInput(sizeMs, startMs,
                WindowInputCodec.fromBytes(Arrays.copyOfRange(bytes, HEADER_BYTES, bytes.length)));
    }

    public static Serde<LateInput> serde() {
        return WindowFormats.serde(LateInput::toBytes, LateInput::fromBytes);
    }
}
