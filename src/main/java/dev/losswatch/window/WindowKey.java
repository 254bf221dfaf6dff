package dev.losswatch.window;

import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;

/**
 * What losses are aggregated by: a model version, either whole (empty slice) or one slice of it
 * ({@code sliceKey = sliceValue}, e.g. {@code region = eu}). {@code shard} is 0 except in the first stage
 * of a two-stage aggregation, where a hot model's events are spread over several shards
 * (see {@link LossWindows#addPartialStage}).
 *
 * <p>The byte form is order-preserving (see {@link OrderedBytes}), field by field in declaration order, so
 * keys of one model are contiguous in a byte-ordered store or topic.
 */
public record WindowKey(String modelId, String modelVersion, String sliceKey, String sliceValue, int shard) {
    private static final int FORMAT_VERSION = 1;

    public WindowKey {
        Objects.requireNonNull(modelId, "WindowKey.modelId must not be null");
        Objects.requireNonNull(modelVersion, "WindowKey.modelVersion must not be null (use \"\" for none)");
        Objects.requireNonNull(sliceKey, "WindowKey.sliceKey must not be null (use \"\" for the whole model)");
        Objects.requireNonNull(sliceValue, "WindowKey.sliceValue must not be null (use \"\" for the whole model)");
        if (shard < 0) {
            throw new IllegalArgumentException("WindowKey.shard must be >= 0, got " + shard);
        }
        if (sliceKey.isEmpty() && !sliceValue.isEmpty()) {
            throw new IllegalArgumentException("WindowKey of model " + modelId + ": sliceValue '" + sliceValue
                    + "' has no sliceKey (both are empty for the whole model)");
        }
    }

    /** An unsharded slice key. */
    public WindowKey(String modelId, String modelVersion, String sliceKey, String sliceValue) {
        this(modelId, modelVersion, sliceKey, sliceValue, 0);
    }

    /** The whole model version, no slice. */
    public static WindowKey wholeModel(String modelId, String modelVersion) {
        return new WindowKey(modelId, modelVersion, "", "", 0);
    }

    public WindowKey withShard(int newShard) {
        return new WindowKey(modelId, modelVersion, sliceKey, sliceValue, newShard);
    }

    public WindowKey unsharded() {
        return shard == 0 ? this : withShard(0);
    }

    public byte[] toBytes() {
        return new OrderedBytes.Writer()
                .writeByte(FORMAT_VERSION)
                .writeString(modelId)
                .writeString(modelVersion)
                .writeString(sliceKey)
                .writeString(sliceValue)
                .writeInt(shard)
                .toByteArray();
    }

    public static WindowKey fromBytes(byte[] bytes) {
        OrderedBytes.Reader reader = new OrderedBytes.Reader(bytes, "WindowKey");
        WindowFormats.requireVersion("WindowKey", reader.readByte("formatVersion"), FORMAT_VERSION);
        WindowKey key = new WindowKey(reader.readString("modelId"), reader.readString("modelVersion"),
                reader.readString("sliceKey"), reader.readString("sliceValue"), reader.readInt("shard"));
        reader.requireEnd();
        return key;
    }

    public static Serde<WindowKey> serde() {
        return WindowFormats.serde(WindowKey::toBytes, WindowKey::fromBytes);
    }
}
