package dev.losswatch.alert;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import dev.losswatch.alert.bench.LossLevel;
import dev.losswatch.alert.bench.Scenario;
import dev.losswatch.alert.bench.StreamGenerator;
import dev.losswatch.events.LogBase;

/** Loss samples, baselines and settings shared by the tests. */
final class Fixtures {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final AlertSubject SUBJECT = AlertSubject.of("fraud", "7", LogBase.E);

    private Fixtures() {
    }

    /** Per-event losses of the simulated calibrated classifier at a loss level, in prediction order. */
    static double[] simulatedLosses(LossLevel level, int count, long seed) {
        StreamGenerator generator = new StreamGenerator(Scenario.stationary(level, count), seed,
                StreamGenerator.Timing.standard());
        double[] losses = new double[count];
        for (int i = 0; i < count; i++) {
            losses[i] = generator.next().loss();
        }
        return losses;
    }

    /** A baseline learned from these losses, one every 200 ms from {@link #T0}. */
    static Baseline baselineOf(double[] losses, AlertSettings settings) {
        ReferencePeriod reference = new ReferencePeriod(T0);
        for (int i = 0; i < losses.length; i++) {
            reference.add(losses[i], 1.0, T0.plusMillis(200L * i));
        }
        return reference.freeze(settings);
    }

    static AlertSettings settings(Map<String, String> properties) {
        return AlertConfiguration.from(properties).forModel(SUBJECT.modelId());
    }

    static Instant at(Duration offset) {
        return T0.plus(offset);
    }
}
