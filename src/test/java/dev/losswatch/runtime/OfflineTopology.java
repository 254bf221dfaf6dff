package dev.losswatch.runtime;

import dev.losswatch.events.EventSerdes;
import dev.losswatch.topology.LosswatchTopology;
import dev.losswatch.topology.TopologySettings;
import dev.losswatch.window.WindowSettings;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;

/**
 * The losswatch topology with the given windows, on an in-process registry, and the Kafka Streams properties to
 * run it without a broker: in a TopologyTestDriver, or in a KafkaStreams that is never started.
 */
record OfflineTopology(TopologySettings settings, EventSerdes serdes, Topology topology, Properties properties) {

    static OfflineTopology of(String name, WindowSettings windows, Path stateDir, MeterRegistry meters) {
        TopologySettings settings = TopologySettings.defaults().withWindows(windows);
        EventSerdes serdes = TestInstances.serdes(name);
        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, name);
        // nothing listens on the discard port
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
        properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        properties.putAll(LosswatchTopology.requiredStreamsConfig(settings.topics(), meters));
        return new OfflineTopology(settings, serdes, LosswatchTopology.build(settings, serdes, meters), properties);
    }
}
