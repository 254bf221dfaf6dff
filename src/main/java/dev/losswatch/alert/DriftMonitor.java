package dev.losswatch.alert;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.losswatch.events.AlertState;
import dev.losswatch.events.Detector;
import dev.losswatch.events.DriftAlert;

/**
 * Drift alerting for one (model, version, slice): learns the baseline in the reference period, then
 * runs both detectors, each through its own {@link AlertLifecycle}. This is the unit a stream processor
 * keeps per key in a state store ({@link AlertStateCodec} turns it into bytes and back).
 *
 * <p>Feed it every scored event in label-arrival order ({@link #onScored}) and every closed window of
 * this key ({@link #onWindow}); both return the alert transitions to publish. Detectors start when the
 * reference period ends; until then events only teach the baseline and windows are not judged. When the
 * settings the sequential detector was calibrated with change, it is recalibrated from the frozen
 * baseline at the next event.
 */
public final class DriftMonitor {
    private AlertSubject subject;
    private final PreviousVersion previousVersion;
    private ReferencePeriod reference;
    private Baseline baseline;
    private SequentialDetector sequential;
    private final AlertLifecycle windowLifecycle;
    private final AlertLifecycle sequentialLifecycle;

    DriftMonitor(AlertSubject subject, PreviousVersion previousVersion, ReferencePeriod reference, Baseline baseline,
                 SequentialDetector sequential, AlertLifecycle windowLifecycle, AlertLifecycle sequentialLifecycle) {
        this.subject = subject;
        this.previousVersion = previousVersion;
        this.reference = reference;
        this.baseline = baseline;
        this.sequential = sequential;
        this.windowLifecycle = windowLifecycle;
        this.sequentialLifecycle = sequentialLifecycle;
    }

    /**
     * A monitor for a version first seen at {@code firstSeen} (stream time).
     *
     * @param previousVersion the baseline of the version it replaced (same model and slice), or null
     */
    public static DriftMonitor start(AlertSubject subject, Instant firstSeen, PreviousVersion previousVersion) {
        AlertSubject known = previousVersion == null ? subject
                : subject.withPreviousVersion(previousVersion.version(), previousVersion.mean());
        return new DriftMonitor(known, previousVersion, new ReferencePeriod(firstSeen), null, null, new AlertLifecycle(),
                new AlertLifecycle());
    }

    /**
     * One scored event, in label-arrival order; {@code time} is its stream time.
     *
     * @throws IllegalArgumentException if the loss is negative or not finite, or the weight not positive and
     *                                  finite (scoring never produces such values; a caller should send the
     *                                  record to the dead-letter topic)
     */
    public List<DriftAlert> onScored(double loss, double weight, Instant time, AlertSettings settings) {
        if (!(loss >= 0) || Double.isInfinite(loss) || !(weight > 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException("a scored event for " + subject.describe() + " needs a finite loss >= 0"
                    + " and a finite weight > 0, got loss=" + loss + ", weight=" + weight);
        }
        if (baseline == null) {
            reference.add(loss, weight, time);
            if (reference.isComplete(settings)) {
                freeze(settings);
            }
            return List.of();
        }
        if (!sequential.isCalibratedFor(settings)) {
            sequential = SequentialDetector.calibrate(baseline, settings);
        }
        Verdict verdict = sequential.observe(loss, time);
        return sequentialLifecycle.evaluate(verdict, time, sequential::evidence, subject, settings);
    }

    /** One closed window of this key, judged at stream time {@code time}. */
    public List<DriftAlert> onWindow(WindowSummary window, Instant time, AlertSettings settings) {
        if (baseline == null) {
            return List.of();
        }
        Evaluation evaluation = WindowTest.evaluate(window, baseline, settings, time);
        return windowLifecycle.evaluate(evaluation.verdict(), time, (verdict, at) -> evaluation, subject, settings);
    }

    private void freeze(AlertSettings settings) {
        baseline = reference.freeze(settings);
        sequential = SequentialDetector.calibrate(baseline, settings);
        if (previousVersion != null) {
            WindowSummary referenceWindow = new WindowSummary(baseline.referenceStart(), baseline.referenceEnd(),
                    baseline.weighted());
            Evaluation comparison = WindowTest.evaluate(referenceWindow, previousVersion, settings, baseline.referenceEnd());
            if (comparison.verdict() == Verdict.BREACH) {
                subject = subject.withVersionNote("version " + subject.modelVersion() + " started "
                        + Reasons.relative(comparison.observed(), previousVersion.mean()) + " version "
                        + previousVersion.version() + " which it replaced (mean loss " + Reasons.number(comparison.observed())
                        + " in its reference period against " + Reasons.number(previousVersion.mean()) + ")");
            }
        }
        reference = null;
    }

    public AlertSubject subject() {
        return subject;
    }

    public Optional<Baseline> baseline() {
        return Optional.ofNullable(baseline);
    }

    /** Events learned so far while the reference period runs; empty once the baseline is frozen. */
    public Optional<ReferencePeriod> referencePeriod() {
        return Optional.ofNullable(reference);
    }

    PreviousVersion previousVersion() {
        return previousVersion;
    }

    SequentialDetector sequential() {
        return sequential;
    }

    AlertLifecycle windowLifecycle() {
        return windowLifecycle;
    }

    AlertLifecycle sequentialLifecycle() {
        return sequentialLifecycle;
    }

    /** The current state of one detector's alert, for metrics and queries. */
    public AlertState state(Detector detector) {
        return (detector == Detector.WINDOW_TEST ? windowLifecycle : sequentialLifecycle).state();
    }
}
