package dev.losswatch.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.losswatch.events.EventJson;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A mixed stream through {@code losswatch backtest --flush}, against counts and window means this test works out
 * on its own from the events it generated.
 */
class BacktestCommandTest {
    private static final long T0 = 1_764_064_800_000L; // 2025-11-25T10:00:00Z
    private static final long MINUTE = 60_000L;

    @TempDir
    Path dir;

    /** What the test expects, computed from the generated events, not by losswatch. */
    private static final class Expected {
        long predictionLines;
        long labelLines;
        long scored;
        long unlabeled;
        long deadLetters;
        long duplicatePredictions;
        long duplicateLabels;
        long conflicts;
        final Map<String, double[]> lossSumAndCountByWindow = new HashMap<>();
        final Map<String, Long> predictionsByWindow = new HashMap<>();
    }

    @Test
    void aMixedStreamEndsUpExactlyWhereAnIndependentReckoningSays() throws Exception {
        StringBuilder predictions = new StringBuilder();
        StringBuilder labels = new StringBuilder();
        Expected expected = generate(new Random(7), 3_000, predictions, labels);
        Path predictionsFile = Files.writeString(dir.resolve("predictions.jsonl"), predictions);
        Path labelsFile = Files.writeString(dir.resolve("labels.jsonl"), labels);
        Path out = dir.resolve("out");

        StringWriter console = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(console));
        int exit = cli.execute("backtest", "--predictions", predictionsFile.toString(), "--labels", labelsFile.toString(),
                "--out", out.toString(), "--flush");

        assertThat(exit).as(console.toString()).isZero();
        assertThat(console.toString()).contains(String.format(Locale.ROOT,
                "in=%d (predictions=%d labels=%d) scored=%d unlabeled=%d dlq=%d",
                expected.predictionLines + expected.labelLines, expected.predictionLines, expected.labelLines,
                expected.scored, expected.unlabeled, expected.deadLetters))
                .contains(String.format(Locale.ROOT, "duplicates=%d (predictions=%d labels=%d) conflicts=%d pending=0",
                        expected.duplicatePredictions + expected.duplicateLabels, expected.duplicatePredictions,
                        expected.duplicateLabels, expected.conflicts))
                .contains("books balance");
        assertThat(lines(out.resolve("scored.jsonl"))).hasSize((int) expected.scored);
        assertThat(lines(out.resolve("unlabeled.jsonl"))).hasSize((int) expected.unlabeled);
        assertThat(lines(out.resolve("dlq.jsonl"))).hasSize((int) expected.deadLetters)
                .allSatisfy(dead -> assertThat(dead.get("reason").asText()).isNotEmpty());

        Map<String, JsonNode> minuteWindows = new HashMap<>();
        for (JsonNode window : lines(out.resolve("windows.jsonl"))) {
            assertThat(window.get("final").booleanValue()).isTrue();
            if (window.get("windowSizeMs").longValue() == MINUTE && window.get("sliceKey").asText().isEmpty()) {
                String key = window.get("modelId").asText() + "@" + window.get("windowStart").longValue();
                assertThat(minuteWindows.put(key, window)).as("one final value per window: %s", key).isNull();
            }
        }
        assertThat(minuteWindows.keySet()).isEqualTo(expected.predictionsByWindow.keySet());
        for (Map.Entry<String, JsonNode> entry : minuteWindows.entrySet()) {
            JsonNode window = entry.getValue();
            assertThat(window.get("predictionCount").longValue()).as(entry.getKey())
                    .isEqualTo(expected.predictionsByWindow.get(entry.getKey()));
            double[] sumAndCount = expected.lossSumAndCountByWindow.getOrDefault(entry.getKey(), new double[2]);
            assertThat(window.get("count").longValue()).as(entry.getKey()).isEqualTo((long) sumAndCount[1]);
            if (sumAndCount[1] > 0) {
                double mean = sumAndCount[0] / sumAndCount[1];
                assertThat(window.get("meanLoss").doubleValue()).as(entry.getKey())
                        .isCloseTo(mean, org.assertj.core.data.Offset.offset(1e-12 * mean));
            }
        }
    }

    /**
     * Predictions of three models over half an hour; most labelled, some before their prediction, some never;
     * copies, conflicting labels, invalid events, orphan labels and lines that are not JSON mixed in.
     */
    private static Expected generate(Random random, int count, StringBuilder predictions, StringBuilder labels) {
        Expected expected = new Expected();
        String[] models = {"churn", "fraud", "ranker"};
        for (int i = 0; i < count; i++) {
            String id = "p" + i;
            String model = models[i % models.length];
            long at = T0 + (long) (random.nextDouble() * 30 * MINUTE);
            float[] logits = {(float) (random.nextGaussian() * 2), (float) (random.nextGaussian() * 2), (float) (random.nextGaussian() * 2)};
            int truth = random.nextInt(3);
            double kind = random.nextDouble();
            if (kind < 0.01) {
                // an invalid prediction, never labelled: dead-lettered on arrival
                predictions.append(prediction(id, model, at, "[1.0, \"NaN\", 0.5]")).append('\n');
                expected.predictionLines++;
                expected.deadLetters++;
                continue;
            }
            predictions.append(prediction(id, model, at, json(logits))).append('\n');
            expected.predictionLines++;
            String window = model + "@" + (at - Math.floorMod(at, MINUTE));
            expected.predictionsByWindow.merge(window, 1L, Long::sum);
            if (random.nextDouble() < 0.03) {
                predictions.append(prediction(id, model, at + 1_000, json(logits))).append('\n');
                expected.predictionLines++;
                expected.duplicatePredictions++;
            }
            if (kind < 0.11) {
                expected.unlabeled++;
                continue;
            }
            if (kind < 0.12) {
                // a class the prediction does not have: the pair is rejected and dead-lettered
                labels.append(label(id, at + 5_000, 9)).append('\n');
                expected.labelLines++;
                expected.deadLetters++;
                continue;
            }
            long labelAt = at + (long) ((random.nextDouble() - 0.2) * 2 * MINUTE);
            labels.append(label(id, labelAt, truth)).append('\n');
            expected.labelLines++;
            expected.scored++;
            double[] sumAndCount = expected.lossSumAndCountByWindow.computeIfAbsent(window, k -> new double[2]);
            sumAndCount[0] += crossEntropy(logits, truth);
            sumAndCount[1]++;
            double copy = random.nextDouble();
            if (copy < 0.03) {
                labels.append(label(id, labelAt + 2_000, truth)).append('\n');
                expected.labelLines++;
                expected.duplicateLabels++;
            } else if (copy < 0.05) {
                labels.append(label(id, labelAt + 2_000, (truth + 1) % 3)).append('\n');
                expected.labelLines++;
                expected.conflicts++;
            }
        }
        for (int i = 0; i < 7; i++) {
            labels.append(label("ghost" + i, T0 + i * MINUTE, 0)).append('\n');
            expected.labelLines++;
            expected.deadLetters++;
        }
        predictions.append("{\"predictionId\": \"broken\", \"scores\": [1, 2").append('\n');
        labels.append("not json").append('\n');
        expected.predictionLines++;
        expected.labelLines++;
        expected.deadLetters += 2;
        return expected;
    }

    /** Softmax cross-entropy written out plainly, independent of losswatch's implementation. */
    private static double crossEntropy(float[] logits, int truth) {
        double max = Math.max(logits[0], Math.max(logits[1], logits[2]));
        double sum = 0;
        for (float logit : logits) {
            sum += Math.exp(logit - max);
        }
        return max + Math.log(sum) - logits[truth];
    }

    private static String prediction(String id, String model, long at, String scores) {
        return String.format(Locale.ROOT, "{\"predictionId\":\"%s\",\"modelId\":\"%s\",\"modelVersion\":\"v1\","
                + "\"timestamp\":%d,\"outputType\":\"LOGITS\",\"scores\":%s}", id, model, at, scores);
    }

    private static String label(String id, long at, int classIndex) {
        return String.format(Locale.ROOT, "{\"predictionId\":\"%s\",\"timestamp\":%d,\"classIndex\":%d}", id, at, classIndex);
    }

    private static String json(float[] values) {
        List<String> parts = new ArrayList<>();
        for (float value : values) {
            parts.add(Float.toString(value));
        }
        return "[" + String.join(",", parts) + "]";
    }

    private static List<JsonNode> lines(Path file) throws Exception {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            nodes.add(EventJson.MAPPER.readTree(line));
        }
        return nodes;
    }
}
