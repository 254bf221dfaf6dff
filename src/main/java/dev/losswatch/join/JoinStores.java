package dev.losswatch.join;

import dev.losswatch.events.Label;
import dev.losswatch.events.Prediction;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;

/**
 * The four stores of the join, each logged to a changelog named after the store and cached, so that a
 * value written and deleted within one commit interval (a label joined soon after it arrived) costs no
 * changelog record.
 *
 * <p>The pending stores are timestamped: the timestamp kept with each value is the timestamp of the record
 * that brought it, from which the expiry time and so the time-index key follow. (Not the expiry time itself:
 * a timestamped store's changelog record carries this timestamp, and brokers reject records stamped more
 * than an hour ahead.) Queried with {@code QueryableStoreTypes.keyValueStore()} they return plain
 * {@link Prediction} and {@link Label} values.
 */
final class JoinStores {

    private JoinStores() {
    }

    static List<StoreBuilder<?>> builders(JoinSettings settings, Serde<Prediction> predictionSerde, Serde<Label> labelSerde,
                                          UnaryOperator<KeyValueBytesStoreSupplier> expiryIndexDecorator) {
        StoreBuilder<TimestampedKeyValueStore<String, Prediction>> pendingPredictions = Stores.timestampedKeyValueStoreBuilder(
                timestampedSupplier(settings, PredictionLabelJoin.PENDING_PREDICTIONS_STORE), Serdes.String(), predictionSerde);
        StoreBuilder<TimestampedKeyValueStore<String, Label>> pendingLabels = Stores.timestampedKeyValueStoreBuilder(
                timestampedSupplier(settings, PredictionLabelJoin.PENDING_LABELS_STORE), Serdes.String(), labelSerde);
        StoreBuilder<KeyValueStore<String, SettledOutcome>> settled = Stores.keyValueStoreBuilder(
                supplier(settings, PredictionLabelJoin.SETTLED_STORE), Serdes.String(), SettledOutcome.serde());
        StoreBuilder<KeyValueStore<Bytes, byte[]>> expiryIndex = Stores.keyValueStoreBuilder(
                expiryIndexDecorator.apply(supplier(settings, PredictionLabelJoin.EXPIRY_INDEX_STORE)), Serdes.Bytes(), Serdes.ByteArray());
        return List.of(configured(settings, pendingPredictions), configured(settings, pendingLabels),
                configured(settings, settled), configured(settings, expiryIndex));
    }

    /** RocksDB stores are logged, so state survives a lost disk; in-memory ones are scratch state for backtests. */
    private static <T extends StateStore> StoreBuilder<T> configured(JoinSettings settings, StoreBuilder<T> builder) {
        StoreBuilder<T> cached = builder.withCachingEnabled();
        return settings.storeType() == JoinSettings.StoreType.PERSISTENT
                ? cached.withLoggingEnabled(Map.of())
                : cached.withLoggingDisabled();
    }

    private static KeyValueBytesStoreSupplier timestampedSupplier(JoinSettings settings, String name) {
        return switch (settings.storeType()) {
            case PERSISTENT -> Stores.persistentTimestampedKeyValueStore(name);
            case IN_MEMORY -> Stores.inMemoryKeyValueStore(name);
        };
    }

    private static KeyValueBytesStoreSupplier supplier(JoinSettings settings, String name) {
        return switch (settings.storeType()) {
            case PERSISTENT -> Stores.persistentKeyValueStore(name);
            case IN_MEMORY -> Stores.inMemoryKeyValueStore(name);
        };
    }
}
