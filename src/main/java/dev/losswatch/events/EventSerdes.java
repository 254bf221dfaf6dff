package dev.losswatch.events;

import dev.losswatch.events.registry.RegistryAvroDeserializer;
import dev.losswatch.events.registry.RegistryAvroSerializer;
import dev.losswatch.events.registry.SchemaRegistryClient;
import dev.losswatch.events.registry.SchemaRegistryClients;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The one place where serdes for losswatch's records are built: value serdes speaking the Confluent
 * Schema Registry wire format, all sharing one registry client (and so its caches and connections).
 * The serdes come configured; Kafka Streams does not configure serdes passed to it explicitly.
 */
public final class EventSerdes {
    private final Serde<Prediction> prediction;
    private final Serde<Label> label;
    private final Serde<ScoredPrediction> scoredPrediction;
    private final Serde<LossWindow> lossWindow;
    private final Serde<DriftAlert> driftAlert;

    /**
     * @param settings registry settings under Confluent's names: {@code schema.registry.url} (or
     *                 {@code mock://<scope>}), {@code basic.auth.*}, {@code auto.register.schemas}, ...
     */
    public EventSerdes(Map<String, ?> settings) {
        this(SchemaRegistryClients.fromConfig(settings), settings);
    }

    /** Serdes on an existing client; {@code settings} supply the serde options such as auto-registration. */
    public EventSerdes(SchemaRegistryClient registry, Map<String, ?> settings) {
        this.prediction = valueSerde(Prediction.class, registry, settings);
        this.label = valueSerde(Label.class, registry, settings);
        this.scoredPrediction = valueSerde(ScoredPrediction.class, registry, settings);
        this.lossWindow = valueSerde(LossWindow.class, registry, settings);
        this.driftAlert = valueSerde(DriftAlert.class, registry, settings);
    }

    public Serde<Prediction> prediction() {
        return prediction;
    }

    public Serde<Label> label() {
        return label;
    }

    public Serde<ScoredPrediction> scoredPrediction() {
        return scoredPrediction;
    }

    public Serde<LossWindow> lossWindow() {
        return lossWindow;
    }

    public Serde<DriftAlert> driftAlert() {
        return driftAlert;
    }

    private static <T extends SpecificRecord> Serde<T> valueSerde(Class<T> type, SchemaRegistryClient registry,
                                                                  Map<String, ?> settings) {
        RegistryAvroDeserializer<T> deserializer = new RegistryAvroDeserializer<>(type, registry);
        Serde<T> serde = Serdes.serdeFrom(
                new RegistryAvroSerializer<>(deserializer.readerSchema(), registry), deserializer);
        serde.configure(settings, false);
        return serde;
    }
}
