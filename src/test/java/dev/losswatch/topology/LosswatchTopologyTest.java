package dev.losswatch.topology;

import static dev.losswatch.topology.TopologyTestBed.T0;
import static dev.losswatch.topology.TopologyTestBed.label;
import static dev.losswatch.topology.TopologyTestBed.logits;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.losswatch.events.DeadLetterHeaders;
import dev.losswatch.events.DlqReason;
import dev.losswatch.events.LogBase;
import dev.losswatch.events.LossWindow;
import dev.losswatch.events.ScoredPrediction;
import dev.losswatch.scoring.ModelScoring;
import dev.losswatch.scoring.ScoringSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

class LosswatchTopologyTest {
    @Test
    void aPredictionAndItsLabelAreScoredOnceWhicheverComesFirst() throws Exception {
        try (TopologyTestBed bed = new TopologyTestBed(TopologyTestBed.inMemory())) {
            bed.send(logits("p1", "churn", T0, 2.0f, 1.0f, 0.1f));
            bed.send(label("p1", T0.plusSeconds(5), 0));
            bed.send(label("p2", T0.plusSeconds(6), 1));
            bed.send(logits("p2", "churn", T0.plusSeconds(1), 2.0f, 1.0f, 0.1f));

            List<TestRecord<String, ScoredPrediction>> scored = bed.scored.readRecordsToList();
            assertThat(scored).extracting(TestRecord::key).containsExactly("p1", "p2");
            assertThat(scored.get(0).value().getLoss()).isCloseTo(0.41703001642470816, within(1e-15));
            assertThat(scored.get(0).value().getPredictionTimestamp()).isEqualTo(T0);
            assertThat(scored.get(0).value().getLabelTimestamp()).isEqualTo(T0.plusSeconds(5));
            assertThat(scored.get(1).value().getTrueClass()).isEqualTo(1);
            assertThat(scored.get(1).value().getCorrect()).isFalse();
            assertThat(bed.counter("losswatch.scored", "model", "churn", "version", "v1")).isEqualTo(2);
        }
    }

    @Test
    void eachModelIsScoredWithItsOwnSettings() throws Exception {
        ModelScoring scoring = new ModelScoring(ScoringSettings.DEFAULTS,
                Map.of("fraud", new ScoringSettings(LogBase.TWO, 1e-15, 0.0)));
        try (TopologyTestBed bed = new TopologyTestBed(TopologyTestBed.inMemory().withScoring(scoring))) {
            bed.send(logits("a", "churn", T0, 0f, 0f));
            bed.send(logits("b", "fraud", T0, 0f, 0f));
            bed.send(label("a", T0, 0));
            bed.send(label("b", T0, 0));

            Map<String, ScoredPrediction> scored = bed.scored.readValuesToList().stream()
                    .collect(Collectors.toMap(ScoredPrediction::getModelId, s -> s));
            assertThat(scored.get("churn").getLoss()).isEqualTo(Math.log(2));
            assertThat(scored.get("churn").getLogBase()).isEqualTo(LogBase.E);
            assertThat(scored.get("fraud").getLoss()).isEqualTo(1.0);
            assertThat(scored.get("fraud").getLogBase()).isEqualTo(LogBase.TWO);
        }
    }

    @Test
    void anInvalidPredictionGoesToTheDeadLetterTopicWithItsReasonAndOriginalBytes() throws Exception {
        try (TopologyTestBed bed = new TopologyTestBed(TopologyTestBed.inMemory())) {
            bed.send(logits("p1", "churn", T0, 1.0f, Float.NaN));
            bed.send(logits("p2", "churn", T0, 1.0f, 2.0f));

            TestRecord<byte[], byte[]> dead = bed.deadLetters.readRecord();
            assertThat(header(dead, DeadLetterHeaders.REASON)).isEqualTo("INVALID_PREDICTION");
            assertThat(header(dead, DeadLetterHeaders.DETAIL)).isEqualTo("prediction p1: scores[1] is NaN");
            assertThat(header(dead, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo("predictions");
            assertThat(bed.serdes.prediction().deserializer().deserialize("predictions", dead.value()).getPredictionId())
                    .isEqualTo("p1");
            assertThat(bed.deadLetters.isEmpty()).isTrue();
            assertThat(bed.counter("losswatch.dlq", "reason", "INVALID_PREDICTION")).isEqualTo(1);
        }
    }

    @Test
    void bytesThatAreNotConfluentAvroGoToTheDeadLetterTopicByteForByte() throws Exception {
        try (TopologyTestBed bed = new TopologyTestBed(TopologyTestBed.inMemory())) {
            byte[] garbage = {'{', '"', 'x', '"', '}'};
            bed.rawPredictions.pipeInput("k".getBytes(), garbage, T0);
            bed.send(logits("p1", "churn", T0, 1.0f, 2.0f));

            TestRecord<byte[], byte[]> dead = bed.deadLetters.readRecord();
            assertThat(dead.value()).isEqualTo(garbage);
            assertThat(header(dead, DeadLetterHeaders.REASON)).isEqualTo("UNDECODABLE");
            assertThat(header(dead, DeadLetterHeaders.DETAIL)).contains("magic byte");
            assertThat(header(dead, DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("0");
        }
    }

    @Test
    void aRecordNamingASchemaIdTheRegistryDoesNotKnowIsDeadLetteredAsSuch() throws Exception {
        try (TopologyTestBed bed = new TopologyTestBed(TopologyTestBed.inMemory())) {
            bed.rawPredictions.pipeInput("p1".getBytes(), new byte[] {0, 0, 0, 0x7f, 0x7f, 2, 'x'}, T0);

            TestRecord<byte[], byte[]> dead = bed.deadLetters.readRecord();
            assertThat(header(dead, DeadLetterHeaders.REASON)).isEqualTo("UNKNOWN_SCHEMA_ID");
            assertThat(header(dead, DeadLetterHeaders.DETAIL)).contains("32639");
        }
    }

    @Test
    void aRecordOfAnotherSchemaOnThePredictionsTopicIsDeadLetteredAsWrongSchema() throws Exception {
        try (TopologyTestBed bed = new TopologyTestBed(TopologyTestBed.inMemory())) {
            byte[] aLabel = bed.serdes.label().serializer().serialize("predictions", label("p1", T0, 0));
            bed.rawPredictions.pipeInput("p1".getBytes(), aLabel, T0);

            TestRecord<byte[], byte[]> dead = bed.deadLetters.readRecord();
            assertThat(header(dead, DeadLetterHeaders.REASON)).isEqualTo("WRONG_SCHEMA");
            assertThat(dead.value()).isEqualTo(aLabel);
        }
    }

    @Test
    void aLabelThatDoesNotFitItsPredictionIsDeadLetteredAndThePredictionKeepsWaiting() throws Exception {
        try (TopologyTestBed bed = new TopologyTestBed(TopologyTestBed.inMemory())) {
            bed.send(logits("p1", "churn", T0, 1.0f, 2.0f));
            bed.send(label("p1", T0.plusSeconds(1), 7));

            TestRecord<byte[], byte[]> dead = bed.deadLetters.readRecord();
            assertThat(header(dead, DeadLetterHeaders.REASON)).isEqualTo(DlqReason.LABEL_DOES_NOT_FIT.name());
            assertThat(header(dead, DeadLetterHeaders.DETAIL)).contains("classIndex 7 is out of range for 2 classes");
            assertThat(bed.scored.isEmpty()).isTrue();
        }
    }

    @Test
    void aRecordKeyedByAnythingButItsPredictionIdIsDeadLetteredWithAHint() throws Exception {
        try (TopologyTestBed bed = new TopologyTestBed(TopologyTestBed.inMemory())) {
            bed.predictions.pipeInput("user-42", logits("p1", "churn", T0, 1.0f, 2.0f), T0);

            TestRecord<byte[], byte[]> dead = bed.deadLetters.readRecord();
            assertThat(header(dead, DeadLetterHeaders.REASON)).isEqualTo("MISSING_KEY_OR_VALUE");
            assertThat(header(dead, DeadLetterHeaders.DETAIL)).isEqualTo(
                    "prediction p1 is keyed 'user-42': input topics must be keyed by predictionId, or set input.rekey=true");
        }
    }

    @Test
    void withReKeyingInputsThatAreNotKeyedByPredictionIdAreJoined() throws Exception {
        try (TopologyTestBed bed = new TopologyTestBed(TopologyTestBed.inMemory().withRekeyInputs(true))) {
            bed.predictions.pipeInput("user-42", logits("p1", "churn", T0, 1.0f, 2.0f), T0);
            bed.labels.pipeInput(null, label("p1", T0.plusSeconds(1), 1), T0.plusSeconds(1));

            assertThat(bed.scored.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("p1");
            assertThat(bed.deadLetters.isEmpty()).isTrue();
        }
    }

    @Test
    void anOrphanLabelIsDeadLetteredOnceTheLabelWaitHasPassed() throws Exception {
        try (TopologyTestBed bed = new TopologyTestBed(TopologyTestBed.inMemory())) {
            bed.send(label("ghost", T0, 0));
            bed.send(logits("later", "churn", T0.plus(Duration.ofHours(2)), 1.0f, 2.0f));

            TestRecord<byte[], byte[]> dead = bed.deadLetters.readRecord();
            assertThat(header(dead, DeadLetterHeaders.REASON)).isEqualTo("ORPHAN_LABEL");
            assertThat(bed.serdes.label().deserializer().deserialize("labels", dead.value()).getPredictionId())
                    .isEqualTo("ghost");
            assertThat(bed.counter("losswatch.dlq", "reason", "ORPHAN_LABEL")).isEqualTo(1);
        }
    }

    @Test
    void aPredictionWithoutLabelWithinTheHorizonIsPublishedAsUnlabeled() throws Exception {
        try (TopologyTestBed bed = new TopologyTestBed(TopologyTestBed.inMemory())) {
            bed.send(logits("lonely", "churn", T0, 1.0f, 2.0f));
            bed.send(logits("much-later", "churn", T0.plus(Duration.ofDays(8)), 1.0f, 2.0f));

            assertThat(bed.unlabeled.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("lonely");
        }
    }

    @Test
    void aClosedWindowPublishesOneFinalValueWithCountsMeanAndLabelCoverage() throws Exception {
        TopologySettings settings = TopologyTestBed.inMemory();
        settings = settings.withWindows(settings.windows().withSizes(List.of(Duration.ofMinutes(1)))
                .withGrace(Duration.ofMinutes(1)));
        try (TopologyTestBed bed = new TopologyTestBed(settings)) {
            bed.send(logits("a", "churn", T0, 0f, 0f));
            bed.send(logits("b", "churn", T0.plusSeconds(10), 0f, 0f));
            bed.send(logits("c", "churn", T0.plusSeconds(20), 0f, 0f));
            bed.send(label("a", T0.plusSeconds(30), 0));
            bed.send(label("b", T0.plusSeconds(40), 1));
            // stream time passes the end of the first minute plus its grace: it closes
            bed.send(logits("d", "churn", T0.plusSeconds(200), 0f, 0f));
            bed.send(label("d", T0.plusSeconds(201), 0));

            List<LossWindow> finals = bed.windows.readValuesToList().stream().filter(LossWindow::getFinal$).toList();
            assertThat(finals).hasSize(1);
            LossWindow first = finals.get(0);
            assertThat(first.getWindowStart()).isEqualTo(T0);
            assertThat(first.getCount()).isEqualTo(2);
            assertThat(first.getPredictionCount()).isEqualTo(3);
            assertThat(first.getLabelCoverage()).isCloseTo(2.0 / 3.0, within(1e-12));
            assertThat(first.getMeanLoss()).isCloseTo(Math.log(2), within(1e-15));
            assertThat(bed.meters.find("losswatch.window.mean.loss").tags("model", "churn", "window", "1m").gauge().value())
                    .isCloseTo(Math.log(2), within(1e-15));
        }
    }

    @Test
    void slicesKeepTheFirstValuesPerAttributeAndFoldTheRestIntoOther() throws Exception {
        TopologySettings settings = TopologyTestBed.inMemory().withSlices(new SliceSettings(List.of("region"), 2));
        settings = settings.withWindows(settings.windows().withSizes(List.of(Duration.ofMinutes(1)))
                .withGrace(Duration.ZERO));
        try (TopologyTestBed bed = new TopologyTestBed(settings)) {
            String[] regions = {"eu", "us", "apac", "latam", "eu"};
            for (int i = 0; i < regions.length; i++) {
                var prediction = logits("p" + i, "churn", T0.plusSeconds(i), 0f, 0f);
                prediction.setAttributes(Map.of("region", regions[i]));
                bed.send(prediction);
                bed.send(label("p" + i, T0.plusSeconds(i), 0));
            }
            bed.send(logits("tick", "churn", T0.plusSeconds(300), 0f, 0f));
            bed.send(label("tick", T0.plusSeconds(300), 0));

            Map<String, Long> countBySlice = bed.windows.readValuesToList().stream()
                    .filter(w -> w.getFinal$() && w.getSliceKey().equals("region"))
                    .collect(Collectors.toMap(LossWindow::getSliceValue, LossWindow::getCount));
            assertThat(countBySlice).containsExactlyInAnyOrderEntriesOf(Map.of("eu", 2L, "us", 1L, "other", 2L));
        }
    }

    private static String header(TestRecord<byte[], byte[]> record, String name) {
        return DeadLetterHeaders.read(record.headers(), name);
    }
}
