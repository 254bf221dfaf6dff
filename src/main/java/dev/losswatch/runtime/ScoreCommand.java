package dev.losswatch.runtime;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.losswatch.events.EventJson;
import dev.losswatch.events.EventJson.MalformedEventException;
import dev.losswatch.events.Label;
import dev.losswatch.events.LogBase;
import dev.losswatch.events.Prediction;
import dev.losswatch.scoring.EventScorer;
import dev.losswatch.scoring.ScoreResult;
import dev.losswatch.scoring.ScoringSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code losswatch score}: the cross-entropy of each {@code {"prediction": …, "label": …}} JSON line, in order.
 * A line that cannot be scored gives an error line, never a crash, so output lines match input lines one to one.
 */
@Command(name = "score",
        mixinStandardHelpOptions = true,
        description = {"Scores JSON Lines of {\"prediction\": {...}, \"label\": {...}} from stdin or --input.",
                "Writes one JSON line per input line: the loss and its companions, or an INVALID_INPUT error with its reason."})
public final class ScoreCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--input", paramLabel = "FILE", description = "Read this file instead of standard input.")
    Path input;

    @Option(names = "--log-base", paramLabel = "e|2|10", defaultValue = "e",
            description = "Logarithm of the loss: e (nats), 2 (bits) or 10. Default: ${DEFAULT-VALUE}.")
    String logBase;

    @Option(names = "--epsilon", defaultValue = "1e-15",
            description = "Probabilities are clipped to [epsilon, 1] before the log. Default: ${DEFAULT-VALUE}.")
    double epsilon;

    @Option(names = "--label-smoothing", defaultValue = "0",
            description = "Label smoothing s in [0, 1) for one-of-C targets given as a class. Default: ${DEFAULT-VALUE}.")
    double labelSmoothing;

    @Option(names = "--max-classes", defaultValue = "1000000",
            description = "Predictions with more scores are rejected. Default: ${DEFAULT-VALUE}.")
    int maxClasses;

    @Override
    public Integer call() throws IOException {
        LogBase base;
        try {
            base = TopologyConfig.logBase("--log-base", logBase);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        ScoringSettings settings = new ScoringSettings(base, epsilon, labelSmoothing);
        PrintWriter out = spec.commandLine().getOut();
        try (Reader reader = input == null
                ? new InputStreamReader(System.in, StandardCharsets.UTF_8)
                : Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
            score(new BufferedReader(reader), out, settings, maxClasses);
        }
        return 0;
    }

    /** Scores every line of {@code lines} onto {@code out}; returns how many lines were read. */
    static long score(BufferedReader lines, Writer out, ScoringSettings settings, int maxClasses) throws IOException {
        EventScorer scorer = new EventScorer(maxClasses);
        ScoreResult result = new ScoreResult();
        long lineNumber = 0;
        JsonGenerator json = EventJson.MAPPER.getFactory().createGenerator(out);
        try {
            json.setRootValueSeparator(null);
            String line;
            while ((line = lines.readLine()) != null) {
                lineNumber++;
                writeLine(json, scoreLine(line, lineNumber, scorer, settings, result));
            }
        } finally {
            json.flush();
        }
        return lineNumber;
    }

    private static void writeLine(JsonGenerator json, ObjectNode value) {
        try {
            json.writeTree(value);
            json.writeRaw('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode scoreLine(String line, long lineNumber, EventScorer scorer, ScoringSettings settings,
                                        ScoreResult result) {
        String where = "line " + lineNumber;
        JsonNode root;
        try {
            root = EventJson.MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            return error(null, where + ": not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            return error(null, where + ": expected a JSON object {\"prediction\": {...}, \"label\": {...}}");
        }
        String predictionId = root.path("prediction").path("predictionId").textValue();
        try {
            Prediction prediction = EventJson.readPrediction(scoreOnlyDefaults(root.get("prediction"), null),
                    where + ": prediction");
            Label label = EventJson.readLabel(scoreOnlyDefaults(root.get("label"), predictionId), where + ": label");
            if (!label.getPredictionId().equals(predictionId)) {
                return error(predictionId, where + ": label.predictionId '" + label.getPredictionId()
                        + "' differs from prediction.predictionId '" + predictionId + "'");
            }
            boolean valid = scorer.checkPrediction(prediction, result)
                    && scorer.checkLabel(label, result)
                    && scorer.score(prediction, label, settings, result);
            if (!valid) {
                return error(predictionId, where + ": " + result.invalidReason()).put("kind", result.invalidKind().name());
            }
            return scored(predictionId, result);
        } catch (MalformedEventException e) {
            return error(predictionId, e.getMessage());
        }
    }

    /**
     * Scoring needs neither a model id nor timestamps, so a score line may leave them out; a label may also
     * leave out the predictionId it shares with its prediction.
     */
    private static JsonNode scoreOnlyDefaults(JsonNode event, String predictionId) {
        if (event == null || !event.isObject()) {
            return event;
        }
        ObjectNode filled = ((ObjectNode) event).deepCopy();
        if (!filled.has("timestamp")) {
            filled.put("timestamp", 0L);
        }
        if (predictionId == null) {
            if (!filled.has("modelId")) {
                filled.put("modelId", "");
            }
        } else if (!filled.has("predictionId")) {
            filled.put("predictionId", predictionId);
        }
        return filled;
    }

    private static ObjectNode scored(String predictionId, ScoreResult result) {
        ObjectNode node = EventJson.MAPPER.createObjectNode();
        node.put("predictionId", predictionId);
        node.set("loss", EventJson.floatingNode(result.loss()));
        node.put("predictedClass", result.predictedClass());
        node.put("correct", result.correct());
        node.set("confidence", EventJson.floatingNode(result.confidence()));
        node.set("trueClassProbability", EventJson.floatingNode(result.trueClassProbability()));
        return node;
    }

    private static ObjectNode error(String predictionId, String reason) {
        ObjectNode node = EventJson.MAPPER.createObjectNode();
        node.put("predictionId", predictionId);
        node.put("error", "INVALID_INPUT");
        node.put("reason", reason);
        return node;
    }
}
