package dev.losswatch.runtime;

import dev.losswatch.events.EventSerdes;
import dev.losswatch.events.Label;
import dev.losswatch.events.OutputType;
import dev.losswatch.events.Prediction;
import dev.losswatch.testing.KafkaTestClient;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** Predictions and their labels as a serving system and a labelling pipeline would produce them, keyed by predictionId. */
final class Traffic {
    private Traffic() {
    }

    /** A three-class prediction; which class it favours varies with the id, so losses differ. */
    static Prediction prediction(String predictionId, String modelId, String modelVersion, Instant timestamp) {
        float top = 0.5f + (Math.floorMod(predictionId.hashCode(), 40)) / 100f;
        return Prediction.newBuilder()
                .setPredictionId(predictionId)
                .setModelId(modelId)
                .setModelVersion(modelVersion)
                .setTimestamp(timestamp)
                .setOutputType(OutputType.PROBABILITIES)
                .setScores(List.of(top, (1 - top) / 2, (1 - top) / 2))
                .build();
    }

    static Label label(String predictionId, Instant timestamp) {
        return Label.newBuilder()
                .setPredictionId(predictionId)
                .setTimestamp(timestamp)
                .setClassIndex(Math.floorMod(predictionId.hashCode(), 3))
                .build();
    }

    static void sendPredictions(KafkaTestClient client, EventSerdes serdes, String topic, List<Prediction> predictions) {
        client.produce(new StringSerializer(), serdes.prediction().serializer(), predictions.stream()
                .map(p -> new ProducerRecord<>(topic, null, p.getTimestamp().toEpochMilli(), p.getPredictionId(), p))
                .toList());
    }

    static void sendLabels(KafkaTestClient client, EventSerdes serdes, String topic, List<Label> labels) {
        client.produce(new StringSerializer(), serdes.label().serializer(), labels.stream()
                .map(l -> new ProducerRecord<>(topic, null, l.getTimestamp().toEpochMilli(), l.getPredictionId(), l))
                .toList());
    }
}
