package dev.losswatch.window;

import dev.losswatch.events.LossWindow;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.Stores;

/**
 * Adds loss windows to a topology and answers queries on their store. Every node and store is named after
 * the stage's {@code name}: processor {@code <name>}, stores {@code <name>-store} (queryable) and
 * {@code <name>-index}, output nodes {@code <name>-out} and {@code <name>-late}.
 */
public final class LossWindows {
    /** The name of the windows stage of losswatch; a partial stage before it needs another name. */
    public static final String DEFAULT_NAME = "loss-windows";

    private LossWindows() {
    }

    /** The queryable store of windows: {@link WindowId} → {@link WindowState}. */
    public static String storeName(String name) {
        return name + "-store";
    }

    static String indexStoreName(String name) {
        return name + "-index";
    }

    /**
     * Tumbling windows over {@code input}, publishing running and final {@code LossWindow}s keyed by model id.
     * {@code input} must be partitioned by its (unsharded) key, e.g. a repartition of the join's output or of
     * the partials of {@link #addPartialStage}; otherwise every task would publish its own share of a window.
     */
    public static WindowOutputs<String, LossWindow> addTo(String name, KStream<WindowKey, WindowInput> input,
                                                          WindowSettings settings, MeterRegistry meters) {
        KStream<WindowKey, WindowEmission> emitted = input.process(
                supplier(name, LossWindowProcessor.Stage.FINAL, settings, meters), Named.as(name));
        KStream<String, LossWindow> windows = emitted.flatMap(
                (key, emission) -> emission instanceof WindowEmission.Window window
                        ? List.of(KeyValue.pair(key.modelId(), window.window()))
                        : List.<KeyValue<String, LossWindow>>of(),
                Named.as(name + "-out"));
        return new WindowOutputs<>(windows, late(name, emitted));
    }

    /**
     * The first stage of two: the same windows over whatever share of the inputs each task sees (in the join's
     * sub-topology, a hash of the prediction ids), publishing, instead of values, the {@link WindowInput.Partial}
     * each window gathered since its previous one (at most every emit interval, and when it closes), keyed by
     * the unsharded key and timestamped with the window start. Repartition them by key ({@link WindowKey#serde()},
     * {@link WindowInput#serde()}) into {@link #addTo}, whose grace must cover this stage's grace plus the
     * stream-time skew between its tasks (docs/windows.md).
     */
    public static WindowOutputs<WindowKey, WindowInput> addPartialStage(String name,
                                                                        KStream<WindowKey, WindowInput> input,
                                                                        WindowSettings settings,
                                                                        MeterRegistry meters) {
        KStream<WindowKey, WindowEmission> emitted = input.process(
                supplier(name, LossWindowProcessor.Stage.PARTIAL, settings, meters), Named.as(name));
        KStream<WindowKey, WindowInput> partials = emitted.flatMapValues(
                emission -> emission instanceof WindowEmission.Delta delta
                        ? List.<WindowInput>of(delta.partial())
                        : List.<WindowInput>of(),
                Named.as(name + "-out"));
        return new WindowOutputs<>(partials, late(name, emitted));
    }

    /**
     * The windows of {@code modelId} and {@code size} that overlap {@code [from, to)}, all versions and slices,
     * running and final, ordered by start, then version and slice: one range scan of the store.
     */
    public static List<LossWindow> query(ReadOnlyKeyValueStore<WindowId, WindowState> store, TimeBasis timeBasis,
                                         String modelId, Duration size, Instant from, Instant to) {
        List<LossWindow> found = new ArrayList<>();
        if (!from.isBefore(to)) {
            return found;
        }
        WindowKey smallestKey = WindowKey.wholeModel(modelId, "");
        long sizeMs = size.toMillis();
        WindowId first = WindowId.containing(smallestKey, sizeMs, from.toEpochMilli());
        long lastStartMs = WindowId.containing(smallestKey, sizeMs, to.toEpochMilli() - 1).startMs();
        WindowId afterLast = new WindowId(smallestKey, sizeMs, lastStartMs + sizeMs);
        try (KeyValueIterator<WindowId, WindowState> windows = store.range(first, afterLast)) {
            while (windows.hasNext()) {
                KeyValue<WindowId, WindowState> window = windows.next();
                if (window.key.startMs() <= lastStartMs) {
                    found.add(window.value.toLossWindow(window.key, timeBasis));
                }
            }
        }
        return found;
    }

    private static KStream<WindowKey, LateInput> late(String name, KStream<WindowKey, WindowEmission> emitted) {
        return emitted.flatMapValues(
                emission -> emission instanceof WindowEmission.Late late
                        ? List.of(late.late())
                        : List.<LateInput>of(),
                Named.as(name + "-late"));
    }

    private static ProcessorSupplier<WindowKey, WindowInput, WindowKey, WindowEmission> supplier(
            String name, LossWindowProcessor.Stage stage, WindowSettings settings, MeterRegistry meters) {
        String windowStore = storeName(name);
        String indexStore = indexStoreName(name);
        return new ProcessorSupplier<>() {
            @Override
            public Processor<WindowKey, WindowInput, WindowKey, WindowEmission> get() {
                return new LossWindowProcessor(name, stage, settings, meters, windowStore, indexStore);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                // ordered, so that the topology's description is the same on every run
                return new LinkedHashSet<>(List.of(
                        logged(Stores.keyValueStoreBuilder(bytesStore(windowStore, settings.inMemoryStores()),
                                WindowId.serde(), WindowState.serde()).withCachingEnabled(), settings),
                        logged(Stores.keyValueStoreBuilder(bytesStore(indexStore, settings.inMemoryStores()),
                                Serdes.Bytes(), Serdes.ByteArray()), settings)));
            }
        };
    }

    /** RocksDB stores are logged, so windows survive a lost disk; in-memory ones are scratch state for backtests. */
    private static <T extends StateStore> StoreBuilder<T> logged(StoreBuilder<T> builder, WindowSettings settings) {
        return settings.inMemoryStores() ? builder.withLoggingDisabled() : builder;
    }

    private static KeyValueBytesStoreSupplier bytesStore(String name, boolean inMemory) {
        return inMemory ? Stores.inMemoryKeyValueStore(name) : Stores.persistentKeyValueStore(name);
    }
}
