package dev.losswatch.events;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/** One fully populated record of each event type, every optional field set, at millisecond precision. */
public final class SampleEvents {
    private static final Instant PREDICTED_AT = Instant.ofEpochMilli(1_767_225_600_123L);
    private static final Instant LABELLED_AT = PREDICTED_AT.plusSeconds(3_600);

    private SampleEvents() {
    }

    public static Prediction prediction() {
        return Prediction.newBuilder()
                .setPredictionId("p-0001")
                .setModelId("fraud")
                .setModelVersion("v7")
                .setTimestamp(PREDICTED_AT)
                .setOutputType(OutputType.PROBABILITIES)
                .setScores(List.of(0.7f, 0.2f, 0.1f))
                .setClassNames(List.of("legit", "fraud", "review"))
                .setAttributes(Map.of("region", "eu", "device", "ios"))
                .build();
    }

    /**
     * {@link #prediction()} as a producer without our generated classes writes it, with {@code schema} (another
     * version of Prediction's): plain values, epoch millis, and only the optional fields the schema has.
     */
    public static GenericRecord genericPrediction(Schema schema) {
        Prediction sample = prediction();
        GenericRecord record = new GenericData.Record(schema);
        record.put("predictionId", sample.getPredictionId());
        record.put("modelId", sample.getModelId());
        record.put("modelVersion", sample.getModelVersion());
        record.put("timestamp", sample.getTimestamp().toEpochMilli());
        record.put("outputType", new GenericData.EnumSymbol(schema.getField("outputType").schema(),
                sample.getOutputType().name()));
        record.put("scores", sample.getScores());
        if (schema.getField("classNames") != null) {
            record.put("classNames", sample.getClassNames());
        }
        if (schema.getField("attributes") != null) {
            record.put("attributes", sample.getAttributes());
        }
        return record;
    }

    public static Label label() {
        return Label.newBuilder()
                .setPredictionId("p-0001")
                .setTimestamp(LABELLED_AT)
                .setDistribution(List.of(0.9f, 0.05f, 0.05f))
                .setPositives(List.of(0, 2))
                .setClassIndex(0)
                .setClassName("legit")
                .setWeight(2.5)
                .build();
    }

    public static ScoredPrediction scoredPrediction() {
        return ScoredPrediction.newBuilder()
                .setPredictionId("p-0001")
                .setModelId("fraud")
                .setModelVersion("v7")
                .setPredictionTimestamp(PREDICTED_AT)
                .setLabelTimestamp(LABELLED_AT)
                .setOutputType(OutputType.PROBABILITIES)
                .setLoss(0.356674943938732)
                .setLogBase(LogBase.TWO)
                .setPredictedClass(0)
                .setPredictedClassName("legit")
                .setTrueClass(0)
                .setTrueClassName("legit")
                .setCorrect(true)
                .setConfidence(0.7)
                .setTrueClassProbability(0.7)
                .setWeight(2.5)
                .setLabelSmoothing(0.1)
                .setAttributes(Map.of("region", "eu"))
                .build();
    }

    public static LossWindow lossWindow() {
        return LossWindow.newBuilder()
                .setModelId("fraud")
                .setModelVersion("v7")
                .setSliceKey("region")
                .setSliceValue("eu")
                .setWindowSizeMs(60_000)
                .setWindowStart(Instant.ofEpochMilli(1_767_225_600_000L))
                .setWindowEnd(Instant.ofEpochMilli(1_767_225_660_000L))
                .setTimeBasis("label")
                .setCount(1_234)
                .setWeightSum(1_500.5)
                .setMeanLoss(0.71)
                .setStdDevLoss(0.96)
                .setMinLoss(0.001)
                .setMaxLoss(6.2)
                .setP50Loss(0.4)
                .setP90Loss(1.9)
                .setP99Loss(4.4)
                .setAccuracy(0.83)
                .setMeanConfidence(0.79)
                .setPredictionCount(1_400)
                .setLabelCoverage(1_234 / 1_400.0)
                .setLogBase(LogBase.TEN)
                .setFinal$(true)
                .build();
    }

    public static DriftAlert driftAlert() {
        return DriftAlert.newBuilder()
                .setModelId("fraud")
                .setModelVersion("v7")
                .setSliceKey("region")
                .setSliceValue("eu")
                .setDetector(Detector.SEQUENTIAL)
                .setState(AlertState.FIRING)
                .setPreviousState(AlertState.PENDING)
                .setObserved(0.93)
                .setBaseline(0.71)
                .setThreshold(0.85)
                .setStatistic(4.2)
                .setWindowStart(Instant.ofEpochMilli(1_767_225_600_000L))
                .setWindowEnd(Instant.ofEpochMilli(1_767_225_660_000L))
                .setSince(PREDICTED_AT)
                .setTimestamp(LABELLED_AT)
                .setReason("fraud v7 in region=eu: mean loss 0.93 exceeds baseline 0.71 by 31%")
                .setPreviousVersion("v6")
                .setPreviousVersionBaseline(0.69)
                .setLogBase(LogBase.E)
                .build();
    }
}
