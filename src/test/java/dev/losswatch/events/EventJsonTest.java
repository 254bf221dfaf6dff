package dev.losswatch.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.losswatch.events.EventJson.MalformedEventException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventJsonTest {
    private static JsonNode json(String text) throws Exception {
        return EventJson.MAPPER.readTree(text);
    }

    @Test
    void aPredictionIsReadWithSchemaDefaultsForAbsentFields() throws Exception {
        Prediction p = EventJson.readPrediction(json(
                "{\"predictionId\":\"p1\",\"modelId\":\"m\",\"timestamp\":1700000000000,"
                        + "\"outputType\":\"LOGITS\",\"scores\":[2.0,1.0,0.1]}"), "prediction");

        assertThat(p.getPredictionId()).isEqualTo("p1");
        assertThat(p.getModelVersion()).isEmpty();
        assertThat(p.getTimestamp()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
        assertThat(p.getOutputType()).isEqualTo(OutputType.LOGITS);
        assertThat(p.getScores()).containsExactly(2.0f, 1.0f, 0.1f);
        assertThat(p.getClassNames()).isEmpty();
        assertThat(p.getAttributes()).isEmpty();
    }

    @Test
    void timestampsMayBeIsoInstants() throws Exception {
        Label l = EventJson.readLabel(json("{\"predictionId\":\"p1\",\"timestamp\":\"2026-11-25T10:00:00Z\",\"classIndex\":2}"),
                "label");

        assertThat(l.getTimestamp()).isEqualTo(Instant.parse("2026-11-25T10:00:00Z"));
        assertThat(l.getClassIndex()).isEqualTo(2);
        assertThat(l.getClassName()).isNull();
        assertThat(l.getWeight()).isEqualTo(1.0);
    }

    @Test
    void nonFiniteScoresAreReadFromTheirStringForms() throws Exception {
        Prediction p = EventJson.readPrediction(json(
                "{\"predictionId\":\"p\",\"modelId\":\"m\",\"timestamp\":0,\"outputType\":\"LOGITS\","
                        + "\"scores\":[\"NaN\",\"Infinity\",\"-Infinity\"]}"), "prediction");

        assertThat(p.getScores().get(0)).isNaN();
        assertThat(p.getScores().get(1)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(p.getScores().get(2)).isEqualTo(Float.NEGATIVE_INFINITY);
    }

    @Test
    void errorsNameTheFieldPathAndTheOffendingValue() {
        assertThatThrownBy(() -> EventJson.readPrediction(json(
                "{\"predictionId\":\"p\",\"modelId\":\"m\",\"timestamp\":0,\"outputType\":\"LOGITS\",\"scores\":[1,\"x\"]}"),
                "line 4: prediction"))
                .isInstanceOf(MalformedEventException.class)
                .hasMessage("line 4: prediction.scores[1] must be a number or one of \"NaN\", \"Infinity\", \"-Infinity\", got \"x\"");
        assertThatThrownBy(() -> EventJson.readPrediction(json(
                "{\"predictionId\":\"p\",\"modelId\":\"m\",\"timestamp\":0,\"outputType\":\"SOFTMAX\",\"scores\":[1]}"),
                "prediction"))
                .hasMessageStartingWith("prediction.outputType must be one of [LOGITS, PROBABILITIES");
        assertThatThrownBy(() -> EventJson.readPrediction(json("{\"modelId\":\"m\"}"), "prediction"))
                .hasMessage("prediction.predictionId is missing and has no default");
        assertThatThrownBy(() -> EventJson.readLabel(json("[1,2]"), "label"))
                .hasMessage("label must be a JSON object, got [1,2]");
    }

    @Test
    void aScoreBeyondTheFloatRangeIsRejectedRatherThanTurnedIntoInfinity() {
        assertThatThrownBy(() -> EventJson.readPrediction(json(
                "{\"predictionId\":\"p\",\"modelId\":\"m\",\"timestamp\":0,\"outputType\":\"LOGITS\",\"scores\":[1e39]}"),
                "prediction"))
                .hasMessage("prediction.scores[0] = 1.0E39 is outside the float32 range");
    }

    @Test
    void everyRecordRoundTripsThroughItsJsonForm() throws Exception {
        Prediction p = Prediction.newBuilder().setPredictionId("p").setModelId("m").setModelVersion("v2")
                .setTimestamp(Instant.ofEpochMilli(123)).setOutputType(OutputType.PROBABILITIES)
                .setScores(List.of(0.1f, 0.9f)).setClassNames(List.of("a", "b")).setAttributes(Map.of("region", "eu"))
                .build();
        Label l = Label.newBuilder().setPredictionId("p").setTimestamp(Instant.ofEpochMilli(456))
                .setDistribution(List.of(0.25f, 0.75f)).setWeight(2.5).build();

        assertThat(EventJson.readPrediction(EventJson.toJson(p), "prediction")).isEqualTo(p);
        assertThat(EventJson.readLabel(EventJson.toJson(l), "label")).isEqualTo(l);
        assertThat(EventJson.toJson(l).get("classIndex").isNull()).isTrue();
    }
}
