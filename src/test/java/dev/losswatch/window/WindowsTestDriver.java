package dev.losswatch.window;

import dev.losswatch.events.LogBase;
import dev.losswatch.events.LossWindow;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.BiFunction;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A topology with loss windows, driven by a {@link TopologyTestDriver} whose wall clock starts at {@link #T0}.
 * Built with {@code ensure.explicit.internal.resource.naming=true}, so every test also checks the naming.
 */
final class WindowsTestDriver implements AutoCloseable {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final WindowKey CHURN = WindowKey.wholeModel("churn", "v1");

    static final Serde<LossWindow> LOSS_WINDOW_SERDE = Serdes.serdeFrom(
            (topic, window) -> {
                try {
                    return window.toByteBuffer().array();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            },
            (topic, bytes) -> {
                try {
                    return LossWindow.fromByteBuffer(ByteBuffer.wrap(bytes));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });

    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final TopologyTestDriver driver;
    private final TestInputTopic<WindowKey, WindowInput> inputs;
    private final TestOutputTopic<String, LossWindow> windows;
    private final TestOutputTopic<WindowKey, LateInput> late;
    private final List<LossWindow> published = new ArrayList<>();

    /** The single windows stage, named {@link LossWindows#DEFAULT_NAME}. */
    WindowsTestDriver(Path stateDir, WindowSettings settings) {
        this(stateDir, (input, meters) -> LossWindows.addTo(LossWindows.DEFAULT_NAME, input, settings, meters));
    }

    WindowsTestDriver(Path stateDir,
                      BiFunction<KStream<WindowKey, WindowInput>, SimpleMeterRegistry,
                              WindowOutputs<String, LossWindow>> stages) {
        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "windows-test");
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
        properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        properties.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(properties)));
        KStream<WindowKey, WindowInput> input = builder.stream("window-inputs",
                Consumed.with(WindowKey.serde(), WindowInput.serde()).withName("window-inputs"));
        WindowOutputs<String, LossWindow> outputs = stages.apply(input, meters);
        outputs.results().to("windows", Produced.with(Serdes.String(), LOSS_WINDOW_SERDE).withName("windows-sink"));
        outputs.late().to("late", Produced.with(WindowKey.serde(), LateInput.serde()).withName("late-sink"));
        driver = new TopologyTestDriver(builder.build(), properties, T0);
        inputs = driver.createInputTopic("window-inputs", WindowKey.serde().serializer(),
                WindowInput.serde().serializer());
        windows = driver.createOutputTopic("windows", Serdes.String().deserializer(),
                LOSS_WINDOW_SERDE.deserializer());
        late = driver.createOutputTopic("late", WindowKey.serde().deserializer(), LateInput.serde().deserializer());
    }

    void score(WindowKey key, Duration afterT0, double loss) {
        pipe(key, new WindowInput.Scored(loss, LogBase.E, 1.0, true, 0.9), afterT0);
    }

    void seen(WindowKey key, Duration afterT0) {
        pipe(key, WindowInput.PREDICTION_SEEN, afterT0);
    }

    void pipe(WindowKey key, WindowInput input, Duration afterT0) {
        inputs.pipeInput(key, input, T0.plus(afterT0));
    }

    void advanceWallClock(Duration duration) {
        driver.advanceWallClockTime(duration);
    }

    /** Every LossWindow published since the test began, in order; checks each is keyed by its model. */
    List<LossWindow> published() {
        for (KeyValue<String, LossWindow> record : windows.readKeyValuesToList()) {
            if (!record.key.equals(record.value.getModelId())) {
                throw new AssertionError("LossWindow of model " + record.value.getModelId() + " keyed " + record.key);
            }
            published.add(record.value);
        }
        return List.copyOf(published);
    }

    List<LossWindow> finals() {
        return published().stream().filter(LossWindow::getFinal$).toList();
    }

    /** The values published since the previous call of this method or of {@link #published()}. */
    List<LossWindow> publishedSinceLastLook() {
        int before = published.size();
        List<LossWindow> all = published();
        return all.subList(before, all.size());
    }

    List<KeyValue<WindowKey, LateInput>> late() {
        return late.readKeyValuesToList();
    }

    KeyValueStore<WindowId, WindowState> windowStore() {
        return driver.getKeyValueStore(LossWindows.storeName(LossWindows.DEFAULT_NAME));
    }

    KeyValueStore<Object, Object> indexStore() {
        return driver.getKeyValueStore(LossWindows.indexStoreName(LossWindows.DEFAULT_NAME));
    }

    double counted(String meter, String... tags) {
        return meters.find(meter).tags(tags).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    @Override
    public void close() {
        driver.close();
    }
}
