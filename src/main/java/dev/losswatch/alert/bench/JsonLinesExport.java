package dev.losswatch.alert.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;

import dev.losswatch.events.Label;
import dev.losswatch.events.Prediction;

/**
 * Writes a simulated stream as JSON Lines for a backtest: {@code predictions.jsonl} in prediction order and
 * {@code labels.jsonl} in label-arrival order, one object per line with the Avro field names, timestamps
 * as epoch milliseconds and the output type by name. Unset optional fields are written as null.
 */
public final class JsonLinesExport {
    public static final String PREDICTIONS_FILE = "predictions.jsonl";
    public static final String LABELS_FILE = "labels.jsonl";

    private static final ObjectWriter WRITER = new ObjectMapper()
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
            .writer();

    private JsonLinesExport() {
    }

    /**
     * Drains {@code generator} into the two files in {@code directory} (created if missing).
     *
     * @param streamId prefix of the prediction ids, unique per exported stream
     * @return the number of events written
     */
    public static long write(StreamGenerator generator, Path directory, String streamId, String modelId,
                             String modelVersion) throws IOException {
        Files.createDirectories(directory);
        long count = 0;
        try (BufferedWriter predictions = Files.newBufferedWriter(directory.resolve(PREDICTIONS_FILE), StandardCharsets.UTF_8);
             BufferedWriter labels = Files.newBufferedWriter(directory.resolve(LABELS_FILE), StandardCharsets.UTF_8)) {
            LabelArrivalOrder arrivals = new LabelArrivalOrder(new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return generator.hasNext();
                }

                @Override
                public SimulatedEvent next() {
                    SimulatedEvent event = generator.next();
                    writeLine(predictions, predictionJson(event.toPrediction(streamId, modelId, modelVersion)));
                    return event;
                }
            });
            while (arrivals.hasNext()) {
                writeLine(labels, labelJson(arrivals.next().toLabel(streamId)));
                count++;
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return count;
    }

    static Map<String, Object> predictionJson(Prediction prediction) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("predictionId", prediction.getPredictionId());
        json.put("modelId", prediction.getModelId());
        json.put("modelVersion", prediction.getModelVersion());
        json.put("timestamp", prediction.getTimestamp().toEpochMilli());
        json.put("outputType", prediction.getOutputType().name());
        json.put("scores", prediction.getScores());
        json.put("classNames", prediction.getClassNames());
        json.put("attributes", prediction.getAttributes());
        return json;
    }

    static Map<String, Object> labelJson(Label label) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("predictionId", label.getPredictionId());
        json.put("timestamp", label.getTimestamp().toEpochMilli());
        json.put("classIndex", label.getClassIndex());
        json.put("className", label.getClassName());
        json.put("distribution", label.getDistribution());
        json.put("positives", label.getPositives());
        json.put("weight", label.getWeight());
        return json;
    }

    private static void writeLine(BufferedWriter out, Map<String, Object> json) {
        try {
            WRITER.writeValue(out, json);
            out.newLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
