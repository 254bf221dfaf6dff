package dev.losswatch.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.losswatch.events.EventJson;
import dev.losswatch.events.LogBase;
import dev.losswatch.scoring.ConformanceCases;
import dev.losswatch.scoring.ConformanceCases.Case;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ScoreCommandTest {
    @TempDir
    Path dir;

    /** Runs {@code losswatch score ARGS} as a user would and returns its output lines. */
    private List<JsonNode> runScore(String input, String... options) throws Exception {
        Path file = Files.createTempFile(dir, "events", ".jsonl");
        Files.writeString(file, input);
        List<String> args = new ArrayList<>(List.of("score", "--input", file.toString()));
        args.addAll(List.of(options));
        StringWriter out = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        int exit = cli.execute(args.toArray(String[]::new));
        assertThat(exit).as("exit code of losswatch %s", args).isZero();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : out.toString().split("\n")) {
            if (!line.isEmpty()) {
                lines.add(EventJson.MAPPER.readTree(line));
            }
        }
        return lines;
    }

    @Test
    void everyConformanceCaseGivesTheReferenceLossOrTheSameInvalidVerdictThroughTheCommandLine() throws Exception {
        Map<String, List<Case>> bySettings = ConformanceCases.load().stream().collect(Collectors.groupingBy(
                c -> c.logBase() + " " + c.epsilon() + " " + c.labelSmoothing(), LinkedHashMap::new, Collectors.toList()));
        int checked = 0;
        for (List<Case> cases : bySettings.values()) {
            Case first = cases.get(0);
            StringBuilder input = new StringBuilder();
            for (Case c : cases) {
                input.append(scoreLine(c)).append('\n');
            }
            List<JsonNode> results = runScore(input.toString(), "--log-base", logBaseOption(first.logBase()),
                    "--epsilon", Double.toString(first.epsilon()), "--label-smoothing", Double.toString(first.labelSmoothing()));

            assertThat(results).hasSameSizeAs(cases);
            for (int i = 0; i < cases.size(); i++) {
                Case c = cases.get(i);
                JsonNode result = results.get(i);
                assertThat(result.get("predictionId").asText()).isEqualTo(c.id());
                if (c.expectsInvalidInput()) {
                    assertThat(result.path("error").asText()).as("%s (%s)", c.id(), c.note()).isEqualTo("INVALID_INPUT");
                } else {
                    assertThat(result.has("error")).as("%s: %s", c.id(), result).isFalse();
                    double loss = result.get("loss").doubleValue();
                    assertThat(ConformanceCases.agrees(loss, c.expectedLoss()))
                            .as("%s: got %s, expected %s", c.id(), loss, c.expectedLoss()).isTrue();
                }
                checked++;
            }
        }
        assertThat(checked).isEqualTo(406);
    }

    /** A conformance case in score's JSON form: the case's own scores text, the target under its Avro name. */
    private static String scoreLine(Case c) throws Exception {
        JsonNode raw = EventJson.MAPPER.readTree(c.json());
        ObjectNode prediction = EventJson.MAPPER.createObjectNode();
        prediction.put("predictionId", c.id());
        prediction.put("outputType", c.outputType().name());
        prediction.set("scores", raw.get("scores"));
        ObjectNode label = EventJson.MAPPER.createObjectNode();
        JsonNode target = raw.get("target");
        if (target.has("class_index")) {
            label.set("classIndex", target.get("class_index"));
        } else if (target.has("distribution")) {
            label.set("distribution", target.get("distribution"));
        } else {
            label.set("positives", target.get("positives"));
        }
        ObjectNode line = EventJson.MAPPER.createObjectNode();
        line.set("prediction", prediction);
        line.set("label", label);
        return line.toString();
    }

    private static String logBaseOption(LogBase base) {
        return switch (base) {
            case E -> "e";
            case TWO -> "2";
            case TEN -> "10";
        };
    }

    @Test
    void theWorkedExamplesOfTheLiteratureComeOutRight() throws Exception {
        List<JsonNode> results = runScore(String.join("\n",
                "{\"prediction\":{\"predictionId\":\"a\",\"outputType\":\"LOGITS\",\"scores\":[2.0,1.0,0.1]},\"label\":{\"classIndex\":0}}",
                "{\"prediction\":{\"predictionId\":\"b\",\"outputType\":\"PROBABILITIES\",\"scores\":[0.05,0.85,0.10]},\"label\":{\"classIndex\":1}}"));
        assertThat(results.get(0).get("loss").doubleValue()).isCloseTo(0.4170, org.assertj.core.data.Offset.offset(5e-5));
        assertThat(results.get(0).get("predictedClass").intValue()).isZero();
        assertThat(results.get(0).get("correct").booleanValue()).isTrue();
        assertThat(results.get(1).get("loss").doubleValue()).isCloseTo(0.1625189, org.assertj.core.data.Offset.offset(5e-8));
        assertThat(results.get(1).get("trueClassProbability").doubleValue()).isCloseTo(0.85, org.assertj.core.data.Offset.offset(1e-7));

        double[] probabilities = {.5, .7, .2, .3, .5, .6};
        int[] labels = {0, 1, 0, 0, 0, 0};
        StringBuilder binary = new StringBuilder();
        for (int i = 0; i < probabilities.length; i++) {
            binary.append("{\"prediction\":{\"predictionId\":\"bin").append(i)
                    .append("\",\"outputType\":\"BINARY_PROBABILITY\",\"scores\":[").append(probabilities[i])
                    .append("]},\"label\":{\"classIndex\":").append(labels[i]).append("}}\n");
        }
        double mean = runScore(binary.toString()).stream().mapToDouble(r -> r.get("loss").doubleValue()).average().orElseThrow();
        assertThat(mean).isCloseTo(0.5398464, org.assertj.core.data.Offset.offset(5e-8));

        List<JsonNode> base10 = runScore(String.join("\n",
                "{\"prediction\":{\"predictionId\":\"x\",\"outputType\":\"BINARY_PROBABILITY\",\"scores\":[0.7]},\"label\":{\"classIndex\":1}}",
                "{\"prediction\":{\"predictionId\":\"y\",\"outputType\":\"BINARY_PROBABILITY\",\"scores\":[0.7]},\"label\":{\"classIndex\":0}}",
                "{\"prediction\":{\"predictionId\":\"z\",\"outputType\":\"BINARY_PROBABILITY\",\"scores\":[0.4]},\"label\":{\"classIndex\":1}}"),
                "--log-base", "10");
        assertThat(base10).extracting(r -> Math.round(r.get("loss").doubleValue() * 1e4) / 1e4)
                .containsExactly(0.1549, 0.5229, 0.3979);
    }

    @Test
    void aMalformedLineGivesAnErrorLineInPlaceAndTheRunCarriesOn() throws Exception {
        List<JsonNode> results = runScore(String.join("\n",
                "not json at all",
                "[1, 2]",
                "{\"prediction\":{\"predictionId\":\"p1\",\"outputType\":\"LOGITS\",\"scores\":[1, \"one\"]},\"label\":{\"classIndex\":0}}",
                "{\"prediction\":{\"predictionId\":\"p2\",\"outputType\":\"LOGITS\",\"scores\":[1, 2]},\"label\":{}}",
                "{\"prediction\":{\"predictionId\":\"p3\",\"outputType\":\"LOGITS\",\"scores\":[1, 2]},\"label\":{\"predictionId\":\"other\",\"classIndex\":0}}",
                "{\"prediction\":{\"predictionId\":\"p4\",\"outputType\":\"LOGITS\",\"scores\":[1, 2], \"classNames\":[\"a\",\"b\"]},\"label\":{\"className\":\"c\"}}",
                "{\"prediction\":{\"predictionId\":\"p5\",\"outputType\":\"LOGITS\",\"scores\":[0, 0]},\"label\":{\"classIndex\":1}}"));

        assertThat(results).hasSize(7);
        assertThat(results.get(0).get("predictionId").isNull()).isTrue();
        assertThat(results.get(0).get("reason").asText()).startsWith("line 1: not valid JSON");
        assertThat(results.get(1).get("reason").asText()).startsWith("line 2: expected a JSON object");
        assertThat(results.get(2).get("predictionId").asText()).isEqualTo("p1");
        assertThat(results.get(2).get("reason").asText()).startsWith("line 3: prediction.scores[1] must be a number");
        assertThat(results.get(3).get("kind").asText()).isEqualTo("NO_TARGET");
        assertThat(results.get(4).get("reason").asText()).contains("label.predictionId 'other' differs");
        assertThat(results.get(5).get("kind").asText()).isEqualTo("UNKNOWN_CLASS_NAME");
        assertThat(results.get(6).get("loss").doubleValue()).isEqualTo(Math.log(2));
        assertThat(results).allSatisfy(r -> assertThat(r.has("error") || r.has("loss")).isTrue());
    }

    @Test
    void anUnknownLogBaseIsAUsageErrorNotACrash() throws Exception {
        Path file = Files.createTempFile(dir, "events", ".jsonl");
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err));

        int exit = cli.execute("score", "--input", file.toString(), "--log-base", "3");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--log-base = '3' is not e, 2 or 10");
    }
}
