package dev.losswatch.alert.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.losswatch.events.Label;
import dev.losswatch.events.OutputType;
import dev.losswatch.events.Prediction;

/**
 * One simulated prediction with its label.
 *
 * @param index                position in prediction order
 * @param predictionTimeMillis when the model predicted
 * @param labelTimeMillis      when the label arrives (later)
 * @param logits               the prediction's logits (float32, as on the wire)
 * @param label                the true class
 * @param loss                 the event's cross-entropy as losswatch scores it ({@code dev.losswatch.scoring}), in nats
 * @param changed              whether the prediction falls after the scenario's change point
 */
public record SimulatedEvent(long index, long predictionTimeMillis, long labelTimeMillis, float[] logits, int label,
                             double loss, boolean changed) {

    public String predictionId(String streamId) {
        return streamId + "-" + index;
    }

    public Prediction toPrediction(String streamId, String modelId, String modelVersion) {
        List<Float> scores = new ArrayList<>(logits.length);
        for (float logit : logits) {
            scores.add(logit);
        }
        return Prediction.newBuilder()
                .setPredictionId(predictionId(streamId))
                .setModelId(modelId)
                .setModelVersion(modelVersion)
                .setTimestamp(Instant.ofEpochMilli(predictionTimeMillis))
                .setOutputType(OutputType.LOGITS)
                .setScores(scores)
                .setClassNames(List.of())
                .setAttributes(Map.of())
                .build();
    }

    public Label toLabel(String streamId) {
        return Label.newBuilder()
                .setPredictionId(predictionId(streamId))
                .setTimestamp(Instant.ofEpochMilli(labelTimeMillis))
                .setClassIndex(label)
                .build();
    }
}
