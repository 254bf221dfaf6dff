package dev.losswatch.scoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.losswatch.events.LogBase;
import dev.losswatch.events.OutputType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The cross-entropy conformance vectors ({@code conformance/cross_entropy_cases.jsonl} on the test class
 * path, a copy of {@code shared/conformance}), parsed into one {@link Case} per line, and the tolerance a
 * computed loss must meet. Reusable by any test that scores the vectors through another front end.
 */
public final class ConformanceCases {
    public static final String RESOURCE = "/conformance/cross_entropy_cases.jsonl";
    /** The verdict {@code expected_error} gives a case that breaks a rule. */
    public static final String INVALID_INPUT = "INVALID_INPUT";
    public static final double RELATIVE_TOLERANCE = 1e-12;
    public static final double ABSOLUTE_TOLERANCE = 1e-300;

    private static final ObjectMapper JSON = new ObjectMapper();

    private ConformanceCases() {
    }

    /**
     * One line of the file. Exactly one of {@code classIndex}, {@code distribution}, {@code positives} is
     * non-null. {@code expectedLoss} is null exactly when {@code expectedError} is set.
     */
    public record Case(String id, OutputType outputType, float[] scores, Integer classIndex,
            float[] distribution, int[] positives, double labelSmoothing, double epsilon, LogBase logBase,
            Double expectedLoss, String expectedError, String note, String json) {

        public boolean expectsInvalidInput() {
            return INVALID_INPUT.equals(expectedError);
        }

        /** The part of the id after its third '-', e.g. {@code logits_huge}. */
        public String category() {
            return id.split("-", 4)[3];
        }

        public ScoringSettings settings() {
            return new ScoringSettings(logBase, epsilon, labelSmoothing);
        }

        /** Sets {@code target} to this case's target. */
        public void applyTo(Target target) {
            if (classIndex != null) {
                target.setClassIndex(classIndex);
            } else if (distribution != null) {
                target.setDistribution(distribution, distribution.length);
            } else {
                target.setPositives(positives, positives.length);
            }
        }

        @Override
        public String toString() {
            return id;
        }
    }

    /** Every case of the file, in file order. */
    public static List<Case> load() {
        try (InputStream in = ConformanceCases.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the test class path");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            List<Case> cases = new ArrayList<>();
            String line;
            int lineNumber = 0;
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                if (!line.isBlank()) {
                    cases.add(parse(line, lineNumber));
                }
            }
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /** Whether {@code got} meets the conformance tolerance |got - expected| <= 1e-12 |expected| + 1e-300. */
    public static boolean agrees(double got, double expected) {
        if (Double.isInfinite(expected)) {
            return got == expected;
        }
        return Math.abs(got - expected) <= RELATIVE_TOLERANCE * Math.abs(expected) + ABSOLUTE_TOLERANCE;
    }

    static Case parse(String line, int lineNumber) {
        try {
            JsonNode node = JSON.readTree(line);
            JsonNode target = node.get("target");
            JsonNode expectedLoss = node.get("expected_loss");
            JsonNode expectedError = node.get("expected_error");
            return new Case(
                    node.get("id").asText(),
                    OutputType.valueOf(node.get("output_type").asText()),
                    floats(node.get("scores")),
                    target.has("class_index") ? target.get("class_index").intValue() : null,
                    target.has("distribution") ? floats(target.get("distribution")) : null,
                    target.has("positives") ? ints(target.get("positives")) : null,
                    node.get("label_smoothing").doubleValue(),
                    node.get("epsilon").doubleValue(),
                    logBase(node.get("log_base").asText()),
                    expectedLoss.isNull() ? null : number(expectedLoss),
                    expectedError.isNull() ? null : expectedError.asText(),
                    node.get("note").asText(),
                    line);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(RESOURCE + " line " + lineNumber + " is not a valid case: " + line, e);
        }
    }

    private static LogBase logBase(String text) {
        return switch (text) {
            case "e" -> LogBase.E;
            case "2" -> LogBase.TWO;
            case "10" -> LogBase.TEN;
            default -> throw new IllegalArgumentException("log_base " + text + " is not e, 2 or 10");
        };
    }

    /** A JSON number, or one of the strings "NaN", "Infinity", "-Infinity". */
    private static double number(JsonNode node) {
        if (node.isTextual()) {
            return switch (node.asText()) {
                case "NaN" -> Double.NaN;
                case "Infinity" -> Double.POSITIVE_INFINITY;
                case "-Infinity" -> Double.NEGATIVE_INFINITY;
                default -> throw new IllegalArgumentException("\"" + node.asText() + "\" is not a number");
            };
        }
        return node.doubleValue();
    }

    /** Each entry is exactly a float32 value, so the narrowing cast is exact. */
    private static float[] floats(JsonNode array) {
        float[] values = new float[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) number(array.get(i));
        }
        return values;
    }

    private static int[] ints(JsonNode array) {
        int[] values = new int[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).intValue();
        }
        return values;
    }
}
