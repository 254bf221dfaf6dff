package dev.losswatch.events.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.losswatch.events.EventSerdes;
import dev.losswatch.events.SampleEvents;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/** Writes one of each event through {@link EventSerdes} and checks framing, registration and the value read back. */
final class EventRoundTrips {
    private EventRoundTrips() {
    }

    /** Uses topics {@code <topicPrefix>predictions}, {@code <topicPrefix>labels}, ... so callers can keep subjects apart. */
    static void assertEveryEventTypeReadsBackAsWritten(EventSerdes serdes, SchemaRegistryClient registry, String topicPrefix) {
        assertRoundTrip(serdes.prediction(), registry, topicPrefix + "predictions", SampleEvents.prediction());
        assertRoundTrip(serdes.label(), registry, topicPrefix + "labels", SampleEvents.label());
        assertRoundTrip(serdes.scoredPrediction(), registry, topicPrefix + "scored", SampleEvents.scoredPrediction());
        assertRoundTrip(serdes.lossWindow(), registry, topicPrefix + "windows", SampleEvents.lossWindow());
        assertRoundTrip(serdes.driftAlert(), registry, topicPrefix + "alerts", SampleEvents.driftAlert());
    }

    private static <T extends SpecificRecord> void assertRoundTrip(Serde<T> serde, SchemaRegistryClient registry,
                                                                   String topic, T event) {
        byte[] framed = serde.serializer().serialize(topic, event);

        assertThat(framed[0]).isEqualTo(WireFormat.MAGIC_BYTE);
        RegisteredSchema registered = registry.latestVersion(topic + "-value");
        assertThat(registered.schema()).isEqualTo(event.getSchema());
        assertThat(WireFormat.schemaId(topic, framed)).isEqualTo(registered.id());
        assertThat(serde.deserializer().deserialize(topic, framed)).as("%s read back from topic %s", event.getSchema().getName(), topic)
                .isEqualTo(event);
    }
}
