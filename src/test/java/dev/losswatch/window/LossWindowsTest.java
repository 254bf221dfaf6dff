package dev.losswatch.window;

import static dev.losswatch.window.WindowsTestDriver.CHURN;
import static dev.losswatch.window.WindowsTestDriver.T0;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import dev.losswatch.events.InvalidEventException;
import dev.losswatch.events.LogBase;
import dev.losswatch.events.LossWindow;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LossWindowsTest {
    /** One-minute windows with 30 s of grace: small numbers that keep the timelines below readable. */
    private static final WindowSettings ONE_MINUTE = WindowSettings.defaults()
            .withSizes(List.of(ofMinutes(1)))
            .withGrace(ofSeconds(30))
            .withRetention(ofMinutes(2));
    private static final Instant FIRST_MINUTE = T0;
    private static final Instant SECOND_MINUTE = T0.plus(ofMinutes(1));

    @TempDir
    Path stateDir;

    @Test
    void anEventAtEndMinusOneMillisecondIsInTheWindowAndOneAtTheEndIsInTheNext() {
        try (WindowsTestDriver windows = new WindowsTestDriver(stateDir, ONE_MINUTE)) {
            windows.score(CHURN, ofMillis(59_999), 1.0);
            windows.score(CHURN, ofSeconds(60), 3.0);
            windows.seen(CHURN, ofMinutes(10));

            assertThat(windows.finals())
                    .extracting(LossWindow::getWindowStart, LossWindow::getWindowEnd, LossWindow::getCount,
                            LossWindow::getMeanLoss)
                    .containsExactly(
                            tuple(FIRST_MINUTE, SECOND_MINUTE, 1L, 1.0),
                            tuple(SECOND_MINUTE, T0.plus(ofMinutes(2)), 1L, 3.0));
        }
    }

    @Test
    void aLateEventWithinGraceUpdatesItsWindowWhichStillPublishesOneFinal() {
        try (WindowsTestDriver windows = new WindowsTestDriver(stateDir, ONE_MINUTE)) {
            windows.score(CHURN, ofSeconds(10), 1.0);
            windows.score(CHURN, ofSeconds(70), 5.0);
            windows.score(CHURN, ofSeconds(20), 3.0);
            windows.seen(CHURN, ofSeconds(95));
            windows.seen(CHURN, ofMinutes(5));

            assertThat(windows.finals()).filteredOn(w -> w.getWindowStart().equals(FIRST_MINUTE))
                    .singleElement()
                    .satisfies(first -> {
                        assertThat(first.getCount()).isEqualTo(2);
                        assertThat(first.getMeanLoss()).isEqualTo(2.0);
                    });
            assertThat(windows.late()).isEmpty();
        }
    }

    @Test
    void anEventAfterGraceIsCountedAsLateAndPublishedOnTheLateStreamNotInTheWindow() {
        try (WindowsTestDriver windows = new WindowsTestDriver(stateDir, ONE_MINUTE)) {
            windows.score(CHURN, ofSeconds(10), 1.0);
            windows.seen(CHURN, ofSeconds(90));
            windows.score(CHURN, ofSeconds(30), 7.0);
            windows.seen(CHURN, ofMinutes(10));

            assertThat(windows.finals()).filteredOn(w -> w.getWindowStart().equals(FIRST_MINUTE))
                    .singleElement()
                    .satisfies(first -> assertThat(first.getMaxLoss()).isEqualTo(1.0));
            List<KeyValue<WindowKey, LateInput>> late = windows.late();
            assertThat(late).hasSize(1);
            assertThat(late.get(0).key).isEqualTo(CHURN);
            assertThat(late.get(0).value.windowSizeMs()).isEqualTo(60_000);
            assertThat(late.get(0).value.windowStartMs()).isEqualTo(FIRST_MINUTE.toEpochMilli());
            assertThat(late.get(0).value.input()).isEqualTo(new WindowInput.Scored(7.0, LogBase.E, 1.0, true, 0.9));
            assertThat(windows.counted("losswatch.window.late.inputs", "model", "churn", "size", "1m"))
                    .isEqualTo(1.0);
        }
    }

    @Test
    void runningValuesArePublishedAtMostEveryEmitIntervalAndOnlyWhenTheWindowChanged() {
        try (WindowsTestDriver windows = new WindowsTestDriver(stateDir, ONE_MINUTE)) {
            windows.score(CHURN, ofSeconds(1), 1.0);
            windows.advanceWallClock(ofSeconds(10));
            assertThat(windows.publishedSinceLastLook()).extracting(LossWindow::getFinal$, LossWindow::getCount)
                    .containsExactly(tuple(false, 1L));

            windows.advanceWallClock(ofSeconds(10));
            assertThat(windows.publishedSinceLastLook()).as("nothing changed").isEmpty();

            windows.score(CHURN, ofSeconds(2), 2.0);
            windows.score(CHURN, ofSeconds(3), 3.0);
            windows.advanceWallClock(ofSeconds(5));
            assertThat(windows.publishedSinceLastLook()).as("within the emit interval").isEmpty();

            windows.advanceWallClock(ofSeconds(5));
            assertThat(windows.publishedSinceLastLook()).extracting(LossWindow::getFinal$, LossWindow::getCount)
                    .containsExactly(tuple(false, 3L));
            assertThat(windows.counted("losswatch.window.running.updates")).isEqualTo(2.0);
        }
    }

    @Test
    void everyWindowPublishesExactlyOneFinalAndNothingAfterIt() {
        try (WindowsTestDriver windows = new WindowsTestDriver(stateDir, ONE_MINUTE)) {
            for (int second = 0; second < 300; second += 7) {
                windows.score(CHURN, ofSeconds(second), second / 100.0);
                windows.advanceWallClock(ofSeconds(5));
            }
            windows.seen(CHURN, ofMinutes(30));
            windows.advanceWallClock(ofMinutes(1));

            List<LossWindow> published = windows.published();
            Map<Instant, Integer> finalsByStart = new HashMap<>();
            for (LossWindow window : published) {
                assertThat(finalsByStart.getOrDefault(window.getWindowStart(), 0))
                        .as("values published for %s after its final", window.getWindowStart()).isZero();
                if (window.getFinal$()) {
                    finalsByStart.put(window.getWindowStart(), 1);
                }
            }
            assertThat(finalsByStart).hasSize(5);
            assertThat(windows.finals().stream().mapToLong(LossWindow::getCount).sum()).isEqualTo(43);
        }
    }

    @Test
    void theWallClockBackstopClosesWindowsOfAQuietInput() {
        Duration idleCloseAfter = ONE_MINUTE.idleCloseAfter();
        try (WindowsTestDriver windows = new WindowsTestDriver(stateDir, ONE_MINUTE)) {
            windows.score(CHURN, ofSeconds(10), 1.0);

            // due at end + grace = T0 + 90 s; closed once the wall clock is idle-close-after past that
            windows.advanceWallClock(idleCloseAfter.plus(ofSeconds(80)));
            assertThat(windows.finals()).isEmpty();
            windows.advanceWallClock(ofSeconds(10));

            assertThat(windows.finals()).extracting(LossWindow::getWindowStart, LossWindow::getCount)
                    .containsExactly(tuple(FIRST_MINUTE, 1L));
            assertThat(windows.counted("losswatch.window.closed", "trigger", "wall_clock")).isEqualTo(1.0);
            windows.score(CHURN, ofSeconds(20), 2.0);
            assertThat(windows.late()).as("an input for a window the backstop closed").hasSize(1);
        }
    }

    @Test
    void theBackstopLeavesWindowsOpenWhileStreamTimeAdvancesEvenIfFarBehindTheWallClock() {
        try (WindowsTestDriver windows = new WindowsTestDriver(stateDir, ONE_MINUTE)) {
            Duration twoHoursAgo = Duration.ofHours(-2);
            for (int minute = 0; minute < 10; minute++) {
                windows.score(CHURN, twoHoursAgo.plusSeconds(minute), 1.0);
                windows.advanceWallClock(ofMinutes(1));
            }
            assertThat(windows.finals()).as("a replay catching up").isEmpty();

            windows.advanceWallClock(ONE_MINUTE.idleCloseAfter());

            assertThat(windows.finals()).extracting(LossWindow::getCount).containsExactly(10L);
        }
    }

    @Test
    void eachConfiguredSizeHasItsOwnWindows() {
        WindowSettings twoSizes = ONE_MINUTE.withSizes(List.of(ofMinutes(5), ofMinutes(1)));
        try (WindowsTestDriver windows = new WindowsTestDriver(stateDir, twoSizes)) {
            windows.score(CHURN, ofSeconds(30), 1.0);
            windows.score(CHURN, ofSeconds(90), 2.0);
            windows.score(CHURN, ofMinutes(4), 3.0);
            windows.seen(CHURN, ofMinutes(30));

            assertThat(windows.finals()).filteredOn(w -> w.getCount() > 0)
                    .extracting(LossWindow::getWindowSizeMs, LossWindow::getWindowStart, LossWindow::getCount)
                    .containsExactlyInAnyOrder(
                            tuple(60_000L, FIRST_MINUTE, 1L),
                            tuple(60_000L, SECOND_MINUTE, 1L),
                            tuple(60_000L, T0.plus(ofMinutes(4)), 1L),
                            tuple(300_000L, T0, 3L));
        }
    }

    @Test
    void theStoreAnswersWhichWindowsOfAModelAndSizeOverlapATimeRange() {
        WindowKey churnV2 = WindowKey.wholeModel("churn", "v2");
        WindowKey churnEu = new WindowKey("churn", "v1", "region", "eu");
        WindowKey churnish = WindowKey.wholeModel("churnish", "v1");
        WindowKey fraud = WindowKey.wholeModel("fraud", "v1");
        WindowSettings twoSizes = ONE_MINUTE.withSizes(List.of(ofMinutes(1), ofMinutes(5)));
        try (WindowsTestDriver windows = new WindowsTestDriver(stateDir, twoSizes)) {
            for (int minute = 0; minute < 4; minute++) {
                for (WindowKey key : List.of(CHURN, churnV2, churnEu, churnish, fraud)) {
                    windows.score(key, ofMinutes(minute).plusSeconds(5), minute);
                }
            }

            List<LossWindow> found = LossWindows.query(windows.windowStore(), TimeBasis.PREDICTION, "churn",
                    ofMinutes(1), T0.plus(ofSeconds(90)), T0.plus(ofMinutes(3)));

            // stream time is T0 + 3 min 5 s: the second minute is closed, the third still in its grace
            assertThat(found).extracting(LossWindow::getWindowStart, LossWindow::getModelVersion,
                            LossWindow::getSliceValue, LossWindow::getWindowSizeMs, LossWindow::getFinal$)
                    .containsExactly(
                            tuple(SECOND_MINUTE, "v1", "", 60_000L, true),
                            tuple(SECOND_MINUTE, "v1", "eu", 60_000L, true),
                            tuple(SECOND_MINUTE, "v2", "", 60_000L, true),
                            tuple(T0.plus(ofMinutes(2)), "v1", "", 60_000L, false),
                            tuple(T0.plus(ofMinutes(2)), "v1", "eu", 60_000L, false),
                            tuple(T0.plus(ofMinutes(2)), "v2", "", 60_000L, false));
            assertThat(LossWindows.query(windows.windowStore(), TimeBasis.PREDICTION, "churn", ofMinutes(1),
                    T0.plus(ofMinutes(3)), T0.plus(ofMinutes(3)))).as("an empty range").isEmpty();
        }
    }

    @Test
    void closedWindowsStayQueryableForTheRetentionThenTheirStateIsRemoved() {
        try (WindowsTestDriver windows = new WindowsTestDriver(stateDir, ONE_MINUTE)) {
            windows.score(CHURN, ofSeconds(10), 1.0);
            windows.seen(CHURN, ofSeconds(90));
            assertThat(windows.windowStore().get(new WindowId(CHURN, 60_000, T0.toEpochMilli())).isClosed()).isTrue();

            for (int second = 100; second < 3_600; second += 10) {
                windows.score(CHURN, ofSeconds(second), 1.0);
                // windows that started in the last size + grace + retention = 3.5 minutes
                assertThat(entries(windows.windowStore())).isLessThanOrEqualTo(4);
            }

            assertThat(windows.windowStore().get(new WindowId(CHURN, 60_000, T0.toEpochMilli()))).isNull();
            assertThat(windows.finals()).hasSize(59);
            assertThat(entries(windows.indexStore())).as("index: open and retained windows, and the watermark")
                    .isLessThanOrEqualTo(5);
        }
    }

    @Test
    void labelCoverageIsTheShareOfPredictionsSeenThatWereScored() {
        try (WindowsTestDriver windows = new WindowsTestDriver(stateDir, ONE_MINUTE)) {
            for (int i = 0; i < 4; i++) {
                windows.seen(CHURN, ofSeconds(i));
            }
            windows.score(CHURN, ofSeconds(2), 0.5);
            windows.seen(CHURN, ofMinutes(10));

            assertThat(windows.finals().get(0)).satisfies(first -> {
                assertThat(first.getPredictionCount()).isEqualTo(4);
                assertThat(first.getCount()).isEqualTo(1);
                assertThat(first.getLabelCoverage()).isEqualTo(0.25);
            });
        }
    }

    @Test
    void aggregatingShardsInAPartialStageThenPerModelGivesTheSameWindowsAsOneStage() {
        Random random = new Random(11);
        List<KeyValue<Duration, WindowInput>> events = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            WindowInput input = random.nextInt(5) == 0
                    ? WindowInput.PREDICTION_SEEN
                    : new WindowInput.Scored(-Math.log(random.nextDouble()), LogBase.E, 0.5 + random.nextDouble(),
                            random.nextBoolean(), random.nextDouble());
            // in time order, give or take 40 s: some inputs come within the grace, some after it
            events.add(KeyValue.pair(ofMillis(Math.max(0, i * 90 - random.nextInt(40_000))), input));
        }
        WindowSettings firstStage = ONE_MINUTE;
        WindowSettings secondStage = ONE_MINUTE.withGrace(ofMinutes(2)).withIdleCloseAfter(ofMinutes(10));

        List<LossWindow> oneStage;
        try (WindowsTestDriver windows = new WindowsTestDriver(stateDir.resolve("one"), ONE_MINUTE)) {
            replay(windows, events, false);
            oneStage = windows.finals();
        }
        List<LossWindow> twoStages;
        try (WindowsTestDriver windows = new WindowsTestDriver(stateDir.resolve("two"), (input, meters) -> {
            KStream<WindowKey, WindowInput> partials = LossWindows.addPartialStage("loss-windows-partial", input,
                    firstStage, meters).results();
            return LossWindows.addTo(LossWindows.DEFAULT_NAME, partials.repartition(
                    Repartitioned.with(WindowKey.serde(), WindowInput.serde()).withName("loss-windows-partials")),
                    secondStage, meters);
        })) {
            replay(windows, events, true);
            twoStages = windows.finals();
        }

        assertThat(oneStage).hasSize(3);
        assertThat(twoStages).hasSameSizeAs(oneStage);
        for (int i = 0; i < oneStage.size(); i++) {
            LossWindow expected = oneStage.get(i);
            LossWindow actual = twoStages.get(i);
            assertThat(actual.getWindowStart()).isEqualTo(expected.getWindowStart());
            assertThat(actual.getCount()).isEqualTo(expected.getCount());
            assertThat(actual.getPredictionCount()).isEqualTo(expected.getPredictionCount());
            assertThat(actual.getWeightSum()).isCloseTo(expected.getWeightSum(), within(Math.ulp(expected.getWeightSum())));
            assertThat(actual.getMeanLoss()).isCloseTo(expected.getMeanLoss(), within(2 * Math.ulp(expected.getMeanLoss())));
            assertThat(actual.getStdDevLoss()).isCloseTo(expected.getStdDevLoss(), within(1e-12));
            assertThat(actual.getMinLoss()).isEqualTo(expected.getMinLoss());
            assertThat(actual.getMaxLoss()).isEqualTo(expected.getMaxLoss());
            assertThat(actual.getAccuracy()).isCloseTo(expected.getAccuracy(), within(1e-15));
        }
    }

    /**
     * Half the events, a wall-clock tick (running values, or partials), the other half, then twenty quiet
     * minutes: the backstop closes every window, in the first stage after five minutes, in the second after ten.
     * (Not a far-future record: the test driver runs both stages in one task, with one stream time.)
     */
    private static void replay(WindowsTestDriver windows, List<KeyValue<Duration, WindowInput>> events,
                               boolean sharded) {
        for (int i = 0; i < events.size(); i++) {
            if (i == events.size() / 2) {
                windows.advanceWallClock(ONE_MINUTE.emitInterval());
            }
            WindowKey key = sharded ? CHURN.withShard(i % 4) : CHURN;
            windows.pipe(key, events.get(i).value, events.get(i).key);
        }
        windows.advanceWallClock(ofMinutes(10));
        windows.advanceWallClock(ofMinutes(10));
    }

    @Test
    void anInputWithoutKeyIsRejectedSayingWhichAndWhen() {
        try (WindowsTestDriver windows = new WindowsTestDriver(stateDir, ONE_MINUTE)) {
            assertThatThrownBy(() -> windows.pipe(null, WindowInput.PREDICTION_SEEN, ofSeconds(1)))
                    .rootCause().isInstanceOf(InvalidEventException.class)
                    .hasMessageContaining("timestamp " + T0.plusSeconds(1).toEpochMilli())
                    .hasMessageContaining("has no key");
        }
    }

    @Test
    void theFinalStageRefusesShardedKeysBecauseItsWindowsWouldBeSplitSilently() {
        try (WindowsTestDriver windows = new WindowsTestDriver(stateDir, ONE_MINUTE)) {
            assertThatThrownBy(() -> windows.score(CHURN.withShard(3), ofSeconds(1), 1.0))
                    .rootCause().isInstanceOf(InvalidEventException.class)
                    .hasMessageContaining("has shard 3")
                    .hasMessageContaining("aggregate shards in a partial stage first");
        }
    }

    private static long entries(KeyValueStore<?, ?> store) {
        long count = 0;
        try (KeyValueIterator<?, ?> all = store.all()) {
            while (all.hasNext()) {
                all.next();
                count++;
            }
        }
        return count;
    }
}
