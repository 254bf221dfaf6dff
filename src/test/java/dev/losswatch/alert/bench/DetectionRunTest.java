package dev.losswatch.alert.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.losswatch.alert.AlertConfiguration;
import dev.losswatch.alert.AlertSettings;

/** A short end-to-end run of the benchmark's scenarios through the whole alerting logic. */
class DetectionRunTest {
    private static final DetectionRun RUNNER = new DetectionRun(AlertSettings.defaults(), StreamGenerator.Timing.standard(),
            Duration.ofMinutes(5));
    private static final long CHANGE_AT = 34_000;

    @Test
    void aFiftyPercentRegressionIsDetectedWithinAThousandEventsWithoutEarlierAlarms() {
        DetectionRun.Result result = RUNNER.run(Scenario.abrupt(LossLevel.MEDIUM, 0.5, CHANGE_AT, CHANGE_AT + 5_000), 1);
        assertThat(result.frozeBeforeChange()).isTrue();
        assertThat(result.referenceEvents()).isEqualTo(20_000);
        assertThat(result.sequentialDelay()).isBetween(1L, 1_000L);
        assertThat(result.delay()).isEqualTo(result.sequentialDelay());
        assertThat(result.falseAlarms()).isZero();
    }

    @Test
    void aStationaryStreamRaisesNoAlarm() {
        DetectionRun.Result result = RUNNER.run(Scenario.stationary(LossLevel.MEDIUM, 150_000), 2);
        assertThat(result.quietEvents()).isEqualTo(130_000);
        assertThat(result.falseAlarms()).isZero();
        assertThat(result.delay()).isEqualTo(-1);
    }

    @Test
    void anImprovementRaisesNoAlarm() {
        DetectionRun.Result result = RUNNER.run(Scenario.improvement(LossLevel.MEDIUM, -0.5, CHANGE_AT, CHANGE_AT + 30_000), 3);
        assertThat(result.alarmsAfterImprovement()).isZero();
        assertThat(result.falseAlarms()).isZero();
    }

    /**
     * With a reference period short enough for the quantile sketch to keep every value (so no randomised
     * compaction makes two learnings of the same losses differ), branching is exactly equivalent.
     */
    @Test
    void branchingOffACommonPrefixGivesTheResultsOfSeparateRuns() {
        DetectionRun exact = new DetectionRun(AlertConfiguration.from(Map.of("alerts.reference.min-events", "300",
                "alerts.reference.min-duration", "0s", "alerts.reference.max-relative-error", "1")).forModel("simulated"),
                StreamGenerator.Timing.standard(), Duration.ofMinutes(5));
        Scenario trunk = Scenario.stationary(LossLevel.MEDIUM, 40_000);
        List<Scenario> branches = List.of(Scenario.abrupt(LossLevel.MEDIUM, 1.0, CHANGE_AT, CHANGE_AT + 3_000),
                Scenario.improvement(LossLevel.MEDIUM, -0.25, CHANGE_AT, CHANGE_AT + 3_000));
        List<DetectionRun.Result> branched = exact.runBranches(trunk, branches, 4);
        assertThat(branched.get(0)).isEqualTo(exact.run(trunk, 4));
        assertThat(branched.get(1)).isEqualTo(exact.run(branches.get(0), 4));
        assertThat(branched.get(2)).isEqualTo(exact.run(branches.get(1), 4));
        assertThat(branched.get(1).sequentialDelay()).isPositive();
    }
}
