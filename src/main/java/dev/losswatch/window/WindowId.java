package dev.losswatch.window;

import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;

/**
 * One tumbling window of one key: {@code [startMs, startMs + sizeMs)}, aligned to the epoch.
 *
 * <p>The byte form orders by model, size, start, then version, slice and shard, so that "the windows of
 * model M and size S from t1 to t2" is one contiguous range of the store (see {@link LossWindows#query}).
 */
public record WindowId(WindowKey key, long sizeMs, long startMs) {
    private static final int FORMAT_VERSION = 1;

    public WindowId {
        Objects.requireNonNull(key, "WindowId.key must not be null");
        if (sizeMs <= 0) {
            throw new IllegalArgumentException("WindowId.sizeMs must be positive, got " + sizeMs);
        }
        if (Math.floorMod(startMs, sizeMs) != 0) {
            throw new IllegalArgumentException("WindowId.startMs " + startMs + " is not aligned to the window size "
                    + sizeMs + " ms");
        }
    }

    /** The window of size {@code sizeMs} that contains {@code timestampMs}. */
    /** A window size as people write it, for metric labels and queries: 1m, 5m, 1h, 30s, 1500ms, 2d. */
    public static String sizeLabel(long sizeMs) {
        long[] units = {86_400_000L, 3_600_000L, 60_000L, 1_000L};
        String[] names = {"d", "h", "m", "s"};
        for (int i = 0; i < units.length; i++) {
            if (sizeMs % units[i] == 0) {
                return sizeMs / units[i] + names[i];
            }
        }
        return sizeMs + "ms";
    }

    public static WindowId containing(WindowKey key, long sizeMs, long timestampMs) {
        return new WindowId(key, sizeMs, timestampMs - Math.floorMod(timestampMs, sizeMs));
    }

    /** Exclusive: an event at {@code endMs()} belongs to the next window. */
    public long endMs() {
        return startMs + sizeMs;
    }

    public byte[] toBytes() {
        return new OrderedBytes.Writer()
                .writeByte(FORMAT_VERSION)
                .writeString(key.modelId())
                .writeLong(sizeMs)
                .writeLong(startMs)
                .writeString(key.modelVersion())
                .writeString(key.sliceKey())
                .writeString(key.sliceValue())
                .writeInt(key.shard())
                .toByteArray();
    }

    public static WindowId fromBytes(byte[] bytes) {
        OrderedBytes.Reader reader = new OrderedBytes.Reader(bytes, "WindowId");
        WindowFormats.requireVersion("WindowId", reader.readByte("formatVersion"), FORMAT_VERSION);
        String modelId = reader.readString("modelId");
        long sizeMs = reader.readLong("sizeMs");
        long startMs = reader.readLong("startMs");
        WindowKey key = new WindowKey(modelId, reader.readString("modelVersion"), reader.readString("sliceKey"),
                reader.readString("sliceValue"), reader.readInt("shard"));
        reader.requireEnd();
        return new WindowId(key, sizeMs, startMs);
    }

    public static Serde<WindowId> serde() {
        return WindowFormats.serde(WindowId::toBytes, WindowId::fromBytes);
    }
}
