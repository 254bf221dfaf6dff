package dev.losswatch.alert.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class JsonLinesExportTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void writesPredictionsInPredictionOrderAndLabelsInArrivalOrderWithAvroFieldNames(@TempDir Path directory)
            throws IOException {
        Scenario scenario = Scenario.abrupt(LossLevel.MEDIUM, 0.5, 100, 300);
        long written = JsonLinesExport.write(new StreamGenerator(scenario, 3, StreamGenerator.Timing.standard()), directory,
                "run1", "simulated", "2");
        List<SimulatedEvent> expected = new ArrayList<>();
        new StreamGenerator(scenario, 3, StreamGenerator.Timing.standard()).forEachRemaining(expected::add);

        List<String> predictions = Files.readAllLines(directory.resolve(JsonLinesExport.PREDICTIONS_FILE));
        List<String> labels = Files.readAllLines(directory.resolve(JsonLinesExport.LABELS_FILE));
        assertThat(written).isEqualTo(300);
        assertThat(predictions).hasSize(300);
        assertThat(labels).hasSize(300);

        JsonNode first = JSON.readTree(predictions.get(0));
        assertThat(first.fieldNames()).toIterable().containsExactly("predictionId", "modelId", "modelVersion", "timestamp",
                "outputType", "scores", "classNames", "attributes");
        assertThat(first.get("predictionId").asText()).isEqualTo("run1-0");
        assertThat(first.get("modelVersion").asText()).isEqualTo("2");
        assertThat(first.get("timestamp").asLong()).isEqualTo(expected.get(0).predictionTimeMillis());
        assertThat(first.get("outputType").asText()).isEqualTo("LOGITS");
        for (int i = 0; i < 10; i++) {
            assertThat(first.get("scores").get(i).floatValue()).isEqualTo(expected.get(0).logits()[i]);
        }

        long previous = Long.MIN_VALUE;
        for (String line : labels) {
            JsonNode label = JSON.readTree(line);
            assertThat(label.fieldNames()).toIterable().containsExactly("predictionId", "timestamp", "classIndex",
                    "className", "distribution", "positives", "weight");
            assertThat(label.get("timestamp").asLong()).isGreaterThanOrEqualTo(previous);
            previous = label.get("timestamp").asLong();
            int index = Integer.parseInt(label.get("predictionId").asText().substring("run1-".length()));
            assertThat(label.get("classIndex").asInt()).isEqualTo(expected.get(index).label());
            assertThat(label.get("className").isNull()).isTrue();
            assertThat(label.get("weight").asDouble()).isEqualTo(1.0);
        }
    }
}
