package dev.losswatch.join;

import static dev.losswatch.join.JoinTestBed.MODEL;
import static dev.losswatch.join.JoinTestBed.T0;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.losswatch.events.DlqReason;
import dev.losswatch.events.InvalidEventException;
import dev.losswatch.events.Label;
import dev.losswatch.events.Prediction;
import dev.losswatch.events.DeadLetterHeaders;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("The prediction-label join")
class PredictionLabelJoinTest {

    private static final Duration LABEL_WAIT = JoinSettings.DEFAULT_LABEL_WAIT;
    private static final Duration HORIZON = JoinSettings.DEFAULT_HORIZON;
    private static final Duration IDLE_AFTER = JoinSettings.DEFAULT_IDLE_EXPIRY_AFTER;

    private JoinTestBed bed = JoinTestBed.inMemory(JoinSettings.defaults());

    @AfterEach
    void close() {
        bed.close();
    }

    private List<TestRecord<String, Prediction>> unlabeledFor(String predictionId) {
        return bed.unlabeled.readRecordsToList().stream().filter(record -> record.key().equals(predictionId)).toList();
    }

    @Nested
    @DisplayName("joins each predictionId once")
    class Joining {

        @Test
        void aLabelThatArrivesBeforeItsPredictionIsJoinedWhenThePredictionArrives() {
            bed.label("p1", T0, 1);
            assertThat(bed.joined.isEmpty()).isTrue();

            bed.predict("p1", T0.plusSeconds(30));

            TestRecord<String, JoinedEvent> joined = bed.joined.readRecord();
            assertThat(joined.key()).isEqualTo("p1");
            assertThat(joined.value().prediction().getPredictionId()).isEqualTo("p1");
            assertThat(joined.value().label().getClassIndex()).isEqualTo(1);
            assertThat(joined.getRecordTime()).isEqualTo(T0.plusSeconds(30));
            assertThat(bed.joined.isEmpty()).isTrue();
            assertThat(bed.pendingLabels().get("p1")).isNull();
            assertThat(bed.counts().joined()).isEqualTo(1);
        }

        @Test
        void aLabelThatArrivesDaysAfterItsPredictionIsJoinedAtOnce() {
            bed.predict("p1", T0);
            bed.label("p1", T0.plus(Duration.ofDays(3)), 0);

            TestRecord<String, JoinedEvent> joined = bed.joined.readRecord();
            assertThat(joined.value().prediction().getTimestamp()).isEqualTo(T0);
            assertThat(joined.value().label().getClassIndex()).isEqualTo(0);
            assertThat(joined.getRecordTime()).isEqualTo(T0.plus(Duration.ofDays(3)));
            assertThat(bed.pendingPredictions().get("p1")).isNull();
        }

        @Test
        void aPredictionOneMillisecondInsideTheLabelWaitIsJoined() {
            bed.label("p1", T0, 1);
            bed.predict("p1", T0.plus(LABEL_WAIT).minusMillis(1));

            assertThat(bed.joined.readValuesToList()).hasSize(1);
            assertThat(bed.orphanLabels.isEmpty()).isTrue();
        }

        @Test
        void aPredictionThatArrivesWhenTheLabelWaitEndsFindsTheLabelOrphanedAndWaitsForANewOne() {
            bed.label("p1", T0, 1);

            bed.predict("p1", T0.plus(LABEL_WAIT));

            assertThat(bed.orphanLabels.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("p1");
            assertThat(bed.joined.isEmpty()).isTrue();
            assertThat(bed.pendingPredictions().get("p1")).isNotNull();

            bed.label("p1", T0.plus(Duration.ofHours(2)), 1);
            assertThat(bed.joined.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("p1");
        }
    }

    @Nested
    @DisplayName("drops and counts copies")
    class Duplicates {

        @Test
        void aSecondPredictionWhileTheFirstWaitsIsADuplicate() {
            bed.predict("p1", T0);
            bed.predict("p1", T0.plusSeconds(5));
            bed.label("p1", T0.plusSeconds(10), 1);

            assertThat(bed.joined.readValuesToList()).singleElement()
                    .satisfies(joined -> assertThat(joined.prediction().getTimestamp()).isEqualTo(T0));
            assertThat(bed.counts().duplicatePredictions()).isEqualTo(1);
        }

        @Test
        void aPredictionForAnAlreadyJoinedIdIsADuplicateAndDoesNotWaitAgain() {
            bed.predict("p1", T0);
            bed.label("p1", T0.plusSeconds(10), 1);
            bed.predict("p1", T0.plusSeconds(20));

            assertThat(bed.joined.readValuesToList()).hasSize(1);
            assertThat(bed.pendingPredictions().get("p1")).isNull();
            assertThat(bed.counts().duplicatePredictions()).isEqualTo(1);
        }

        @Test
        void aSecondLabelWithTheSameTargetAndWeightWhileTheFirstWaitsIsADuplicateEvenWithAnotherTimestamp() {
            bed.label("p1", T0, 1);
            bed.label("p1", T0.plusSeconds(5), 1);
            bed.predict("p1", T0.plusSeconds(10));

            assertThat(bed.joined.readValuesToList()).singleElement()
                    .satisfies(joined -> assertThat(joined.label().getTimestamp()).isEqualTo(T0));
            assertThat(bed.counts().duplicateLabels()).isEqualTo(1);
            assertThat(bed.counts().labelConflicts()).isZero();
        }

        @Test
        void aLabelCopyForAnAlreadyJoinedIdIsADuplicate() {
            bed.predict("p1", T0);
            bed.label("p1", T0.plusSeconds(10), 1);
            bed.label("p1", T0.plus(Duration.ofDays(2)), 1);

            assertThat(bed.joined.readValuesToList()).hasSize(1);
            assertThat(bed.orphanLabels.isEmpty()).isTrue();
            assertThat(bed.pendingLabels().get("p1")).isNull();
            assertThat(bed.counts().duplicateLabels()).isEqualTo(1);
        }

        @Test
        void aLabelWithAnotherTargetForAnAlreadyJoinedIdIsAConflict() {
            bed.predict("p1", T0);
            bed.label("p1", T0.plusSeconds(10), 1);
            bed.label("p1", T0.plusSeconds(20), 0);

            assertThat(bed.joined.readValuesToList()).hasSize(1);
            assertThat(bed.counts().labelConflicts()).isEqualTo(1);
            assertThat(bed.counts().duplicateLabels()).isZero();
        }

        @Test
        void aLabelWithAnotherWeightForAnAlreadyJoinedIdIsAConflict() {
            bed.predict("p1", T0);
            bed.label("p1", T0.plusSeconds(10), 1);
            Label heavier = JoinTestBed.labelOf("p1", T0.plusSeconds(20), 1);
            heavier.setWeight(2.0);
            bed.labels.pipeInput("p1", heavier, T0.plusSeconds(20));

            assertThat(bed.counts().labelConflicts()).isEqualTo(1);
        }

        @Test
        void ofTwoDisagreeingLabelsWhileTheyWaitTheFirstIsJoinedAndTheSecondIsAConflict() {
            bed.label("p1", T0, 1);
            bed.label("p1", T0.plusSeconds(5), 0);
            bed.predict("p1", T0.plusSeconds(10));

            assertThat(bed.joined.readValuesToList()).singleElement()
                    .satisfies(joined -> assertThat(joined.label().getClassIndex()).isEqualTo(1));
            assertThat(bed.counts().labelConflicts()).isEqualTo(1);
        }
    }

    @Nested
    @DisplayName("expires on stream time")
    class StreamTimeExpiry {

        @Test
        void aPredictionWhoseHorizonPassesIsPublishedUnlabeledExactlyOnceAndForgotten() {
            bed.predict("p1", T0);
            bed.advanceStreamTimeTo(T0.plus(HORIZON).minusMillis(1));
            assertThat(unlabeledFor("p1")).isEmpty();

            bed.advanceStreamTimeTo(T0.plus(HORIZON));
            assertThat(unlabeledFor("p1")).singleElement().satisfies(record -> {
                assertThat(record.value().getPredictionId()).isEqualTo("p1");
                assertThat(record.getRecordTime()).isEqualTo(T0.plus(HORIZON));
            });
            assertThat(bed.pendingPredictions().get("p1")).isNull();

            bed.advanceStreamTimeTo(T0.plus(HORIZON).plus(Duration.ofDays(1)));
            bed.predict("p1", T0.plus(HORIZON).plus(Duration.ofDays(1)));
            assertThat(unlabeledFor("p1")).isEmpty();
            assertThat(bed.pendingPredictions().get("p1")).isNull();
            assertThat(bed.counts().duplicatePredictions()).isEqualTo(1);
        }

        @Test
        void aLabelAfterTheHorizonIsDeadLetteredBecauseItsPredictionWasAlreadyPublishedUnlabeled() {
            bed.predict("p1", T0);
            bed.advanceStreamTimeTo(T0.plus(HORIZON));
            assertThat(unlabeledFor("p1")).hasSize(1);

            bed.label("p1", T0.plus(HORIZON).plusSeconds(60), 1);

            TestRecord<String, Label> orphan = bed.orphanLabels.readRecord();
            assertThat(orphan.key()).isEqualTo("p1");
            assertThat(orphan.getRecordTime()).isEqualTo(T0.plus(HORIZON).plusSeconds(60));
            assertThat(headers(orphan)).containsEntry(DeadLetterHeaders.REASON, "ORPHAN_LABEL")
                    .containsEntry(DeadLetterHeaders.DETAIL, "The prediction with predictionId 'p1' passed join.horizon (PT168H)"
                            + " without a label and was already published as unlabeled; this label came too late to be joined.")
                    .containsEntry(DeadLetterHeaders.SOURCE_TOPIC, JoinTestBed.LABELS);
            assertThat(bed.joined.isEmpty()).isTrue();
            assertThat(bed.pendingLabels().get("p1")).isNull();
            assertThat(bed.counts().orphanLabels()).isEqualTo(1);
        }

        @Test
        void aLabelWhosePredictionNeverComesIsDeadLetteredWithItsReasonDetailAndSource() {
            bed.label("other-1", T0, 0);
            bed.label("other-2", T0, 0);
            bed.label("p1", T0.plusSeconds(1), 1);

            bed.advanceStreamTimeTo(T0.plus(LABEL_WAIT).plusSeconds(1));

            Map<String, TestRecord<String, Label>> orphans = bed.orphanLabels.readRecordsToList().stream()
                    .collect(Collectors.toMap(TestRecord::key, Function.identity()));
            assertThat(orphans).containsOnlyKeys("other-1", "other-2", "p1");
            TestRecord<String, Label> orphan = orphans.get("p1");
            assertThat(orphan.value().getClassIndex()).isEqualTo(1);
            assertThat(orphan.getRecordTime()).isEqualTo(T0.plus(LABEL_WAIT).plusSeconds(1));
            assertThat(headers(orphan)).containsExactlyInAnyOrderEntriesOf(Map.of(
                    DeadLetterHeaders.REASON, DlqReason.ORPHAN_LABEL.name(),
                    DeadLetterHeaders.DETAIL, "No prediction with predictionId 'p1' arrived within join.label-wait (PT1H) of this label;"
                            + " it waited until 2025-03-01T01:00:01Z.",
                    DeadLetterHeaders.SOURCE_TOPIC, JoinTestBed.LABELS,
                    DeadLetterHeaders.SOURCE_PARTITION, "0",
                    DeadLetterHeaders.SOURCE_OFFSET, "2"));
            assertThat(bed.pendingLabels().get("p1")).isNull();
            assertThat(bed.counts().orphanLabels()).isEqualTo(3);
        }

        @Test
        void aPredictionThatArrivesAlreadyPastItsHorizonIsPublishedUnlabeledAtOnce() {
            bed.advanceStreamTimeTo(T0.plus(Duration.ofDays(10)));

            bed.predict("late", T0);

            assertThat(unlabeledFor("late")).singleElement()
                    .satisfies(record -> assertThat(record.getRecordTime()).isEqualTo(T0.plus(HORIZON)));
            assertThat(bed.pendingPredictions().get("late")).isNull();
        }
    }

    @Nested
    @DisplayName("expires a quiet partition on the wall clock")
    class WallClockBackstop {

        @Test
        void aPredictionOnAPartitionThatWentQuietIsPublishedUnlabeledOnceTheIdleLagHasPassedToo() {
            bed.predict("p1", T0);

            bed.advanceWallClock(HORIZON);
            assertThat(unlabeledFor("p1")).isEmpty();

            bed.advanceWallClock(IDLE_AFTER);
            assertThat(unlabeledFor("p1")).singleElement()
                    .satisfies(record -> assertThat(record.getRecordTime()).isEqualTo(T0.plus(HORIZON)));
            assertThat(bed.pendingPredictions().get("p1")).isNull();
        }

        @Test
        void aReplayWhoseStreamTimeKeepsAdvancingIsNotExpiredByAWallClockFarAhead() {
            bed.advanceWallClock(Duration.ofDays(30));
            bed.predict("p1", T0);
            for (int minute = 1; minute <= 3 * IDLE_AFTER.toMinutes(); minute++) {
                bed.advanceWallClock(Duration.ofMinutes(1));
                bed.advanceStreamTimeTo(T0.plus(Duration.ofMinutes(minute)));
            }

            assertThat(bed.unlabeled.isEmpty()).isTrue();
            bed.label("p1", T0.plus(Duration.ofHours(1)), 1);
            assertThat(bed.joined.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("p1");
        }

        @Test
        void withTheBackstopOffAQuietPartitionKeepsItsStateUntilStreamTimeMoves() {
            bed.close();
            bed = JoinTestBed.inMemory(JoinSettings.defaults().withIdleExpiryAfter(Duration.ZERO));
            bed.predict("p1", T0);

            bed.advanceWallClock(Duration.ofDays(30));

            assertThat(bed.unlabeled.isEmpty()).isTrue();
            assertThat(bed.pendingPredictions().get("p1")).isNotNull();
        }
    }

    @Nested
    @DisplayName("keeps its state bounded")
    class BoundedState {

        @Test
        void holdsOneIndexEntryPerStoredEntryAndNothingOnceEverythingHasExpired() {
            bed.predict("joined", T0);
            bed.label("joined", T0.plusSeconds(1), 1);
            bed.label("joined", T0.plusSeconds(2), 1);
            bed.predict("waiting-prediction", T0.plusSeconds(3));
            bed.predict("waiting-prediction", T0.plusSeconds(4));
            bed.label("waiting-label", T0.plusSeconds(5), 0);
            bed.label("waiting-label", T0.plusSeconds(6), 1);

            assertThat(bed.storeSizes()).containsExactly(1L, 1L, 1L, 3L);

            bed.advanceWallClock(HORIZON.plus(JoinSettings.defaults().dedupRetention()).plus(IDLE_AFTER).plus(Duration.ofMinutes(1)));

            assertThat(bed.storeSizes()).containsExactly(0L, 0L, 0L, 0L);
            assertThat(bed.counts()).isEqualTo(new JoinCounts(1, 1, 1, 1, 1, 1));
        }
    }

    @Nested
    @DisplayName("can be observed")
    class Observability {

        @Test
        void theWaitingStoresAreQueryableByTheirPublicNamesAndKeepTheArrivalTimeAsTimestamp() {
            bed.predict("p1", T0);
            bed.label("p2", T0.plusSeconds(1), 1);

            assertThat(bed.pendingPredictions().get("p1").getModelId()).isEqualTo(MODEL);
            assertThat(bed.pendingLabels().get("p2").getClassIndex()).isEqualTo(1);
            assertThat(bed.driver.<String, Prediction>getTimestampedKeyValueStore(PredictionLabelJoin.PENDING_PREDICTIONS_STORE)
                    .get("p1").timestamp()).isEqualTo(T0.toEpochMilli());
            assertThat(bed.driver.<String, Label>getTimestampedKeyValueStore(PredictionLabelJoin.PENDING_LABELS_STORE)
                    .get("p2").timestamp()).isEqualTo(T0.plusSeconds(1).toEpochMilli());
        }

        @Test
        void countersAreTaggedByModelSideOrCauseAndNeverByPredictionId() {
            bed.predict("p1", T0);
            bed.predict("p1", T0);
            bed.label("p1", T0, 1);
            bed.label("p2", T0, 1);
            bed.advanceStreamTimeTo(T0.plus(LABEL_WAIT));

            assertThat(bed.meters.get(JoinMetrics.JOINED).tag(JoinMetrics.MODEL_TAG, MODEL).counter().count()).isEqualTo(1);
            assertThat(bed.meters.get(JoinMetrics.DUPLICATES).tag(JoinMetrics.SIDE_TAG, "prediction").counter().count()).isEqualTo(1);
            assertThat(bed.meters.get(JoinMetrics.ORPHAN_LABELS).tag(JoinMetrics.CAUSE_TAG, "no-prediction").counter().count()).isEqualTo(1);
            assertThat(bed.meters.getMeters()).flatExtracting(meter -> meter.getId().getTags()).extracting(Tag::getKey)
                    .containsOnly(JoinMetrics.MODEL_TAG, JoinMetrics.SIDE_TAG, JoinMetrics.CAUSE_TAG);
            assertThat(bed.meters.getMeters()).extracting(Meter::getId).flatExtracting(id -> id.getTags())
                    .extracting(Tag::getValue).doesNotContain("p1", "p2");
        }

        @Test
        void everyPersistentStoreWritesToAChangelogNamedAfterIt() throws Exception {
            try (JoinTestBed persistent = JoinTestBed.persistent(JoinSettings.defaults(),
                    java.nio.file.Files.createTempDirectory("join-changelogs"), new SimpleMeterRegistry())) {
                persistent.predict("p1", T0);
                persistent.label("p1", T0, 1);
                persistent.label("p2", T0, 1);

                assertThat(persistent.driver.producedTopicNames()).contains(
                        "join-test-losswatch-join-pending-predictions-changelog",
                        "join-test-losswatch-join-pending-labels-changelog",
                        "join-test-losswatch-join-settled-changelog",
                        "join-test-losswatch-join-expiry-index-changelog");
            }
        }

        @Test
        void inMemoryScratchStoresWriteNoChangelog() {
            bed.predict("p1", T0);
            bed.label("p1", T0, 1);
            bed.label("p2", T0, 1);

            assertThat(bed.driver.producedTopicNames()).noneMatch(topic -> topic.endsWith("-changelog"));
        }
    }

    @Nested
    @DisplayName("rejects input it cannot match")
    class Rejections {

        @Test
        void aPredictionKeyedByAnythingButItsPredictionIdIsRejectedForTheDeadLetterTopic() {
            assertThatThrownBy(() -> bed.predictions.pipeInput("model-7", JoinTestBed.predictionOf("p1", T0), T0))
                    .rootCause()
                    .isInstanceOf(InvalidEventException.class)
                    .hasMessage("The prediction with predictionId 'p1' reached the join under key 'model-7';"
                            + " join inputs must be keyed (and partitioned) by predictionId.")
                    .satisfies(e -> assertThat(((InvalidEventException) e).reason()).isEqualTo(DlqReason.PROCESSING_ERROR));
        }

        @Test
        void aLabelRecordWithoutAValueIsRejectedForTheDeadLetterTopic() {
            assertThatThrownBy(() -> bed.labels.pipeInput("p1", null, T0))
                    .rootCause()
                    .isInstanceOf(InvalidEventException.class)
                    .hasMessage("The label record with key 'p1' has no value; the join needs one to match on predictionId.")
                    .satisfies(e -> assertThat(((InvalidEventException) e).reason()).isEqualTo(DlqReason.MISSING_KEY_OR_VALUE));
        }
    }

    private static Map<String, String> headers(TestRecord<String, ?> record) {
        return StreamSupport.stream(record.headers().spliterator(), false)
                .collect(Collectors.toMap(Header::key, header -> new String(header.value(), UTF_8)));
    }
}
