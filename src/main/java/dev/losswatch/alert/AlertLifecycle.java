package dev.losswatch.alert;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.losswatch.events.AlertState;
import dev.losswatch.events.DriftAlert;

/**
 * The state machine of one alert (model, version, slice, detector): OK → PENDING → FIRING → RESOLVED → OK.
 *
 * <ul>
 *   <li>OK → PENDING on a breach; PENDING → FIRING after {@code fire-after} breaches without a clear one
 *       between; PENDING → OK on a clear one (the breach did not persist).</li>
 *   <li>FIRING → RESOLVED after {@code resolve-after} clear evaluations without a breach between.
 *       Inconclusive evaluations (a rise between half the material rise and the firing point) keep
 *       an alert firing: that band is the hysteresis that stops a regression near the line from flapping.</li>
 *   <li>RESOLVED → OK at the first evaluation once {@code cooldown} of stream time has passed since
 *       resolving; breaches during the cooldown are ignored, so one regression gives one alert.</li>
 * </ul>
 * Every transition yields exactly one {@link DriftAlert}, timestamped with the stream time of the
 * evaluation that caused it. Pure: no clock, no I/O; its state round-trips through {@link AlertStateCodec}.
 */
public final class AlertLifecycle {
    /** Builds the evidence of an evaluation only when a transition needs it. */
    @FunctionalInterface
    public interface Evidence {
        Evaluation describe(Verdict verdict, Instant time);
    }

    private AlertState state;
    private int breaches;
    private int clears;
    private Instant since;
    private Instant resolvedAt;

    public AlertLifecycle() {
        this(AlertState.OK, 0, 0, null, null);
    }

    AlertLifecycle(AlertState state, int breaches, int clears, Instant since, Instant resolvedAt) {
        this.state = state;
        this.breaches = breaches;
        this.clears = clears;
        this.since = since;
        this.resolvedAt = resolvedAt;
    }

    /** Applies one evaluation; returns the transitions it caused (usually none, at most three). */
    public List<DriftAlert> evaluate(Verdict verdict, Instant time, Evidence evidence, AlertSubject subject,
                                     AlertSettings settings) {
        List<DriftAlert> transitions = List.of();
        Evaluation evaluation = null;
        if (state == AlertState.RESOLVED) {
            if (time.isBefore(resolvedAt.plus(settings.cooldown()))) {
                return transitions;
            }
            evaluation = evidence.describe(verdict, time);
            transitions = add(transitions, moveTo(AlertState.OK, evaluation, subject, settings));
        }
        switch (state) {
            case OK:
                if (verdict == Verdict.BREACH) {
                    evaluation = evaluation != null ? evaluation : evidence.describe(verdict, time);
                    since = evaluation.evidenceSince();
                    breaches = 1;
                    transitions = add(transitions, moveTo(AlertState.PENDING, evaluation, subject, settings));
                    if (breaches >= settings.fireAfter()) {
                        transitions = add(transitions, moveTo(AlertState.FIRING, evaluation, subject, settings));
                    }
                }
                break;
            case PENDING:
                if (verdict == Verdict.BREACH && ++breaches >= settings.fireAfter()) {
                    transitions = add(transitions, moveTo(AlertState.FIRING, evidence.describe(verdict, time), subject,
                            settings));
                } else if (verdict == Verdict.CLEAR) {
                    transitions = add(transitions, moveTo(AlertState.OK, evidence.describe(verdict, time), subject,
                            settings));
                }
                break;
            case FIRING:
                if (verdict == Verdict.BREACH) {
                    clears = 0;
                } else if (verdict == Verdict.CLEAR && ++clears >= settings.resolveAfter()) {
                    resolvedAt = time;
                    transitions = add(transitions, moveTo(AlertState.RESOLVED, evidence.describe(verdict, time), subject,
                            settings));
                }
                break;
            default:
                throw new IllegalStateException("unexpected alert state " + state);
        }
        return transitions;
    }

    private DriftAlert moveTo(AlertState next, Evaluation evaluation, AlertSubject subject, AlertSettings settings) {
        AlertState previous = state;
        state = next;
        if (next == AlertState.FIRING) {
            clears = 0;
        }
        Instant episodeStart = since != null ? since : evaluation.evidenceSince();
        String reason = reason(previous, next, evaluation, subject, settings, episodeStart);
        if (next == AlertState.OK) {
            breaches = 0;
            clears = 0;
            since = null;
            resolvedAt = null;
        }
        return DriftAlert.newBuilder()
                .setModelId(subject.modelId())
                .setModelVersion(subject.modelVersion())
                .setSliceKey(subject.sliceKey())
                .setSliceValue(subject.sliceValue())
                .setDetector(evaluation.detector())
                .setState(next)
                .setPreviousState(previous)
                .setObserved(evaluation.observed())
                .setBaseline(evaluation.baseline())
                .setThreshold(evaluation.threshold())
                .setStatistic(evaluation.statistic())
                .setWindowStart(evaluation.windowStart())
                .setWindowEnd(evaluation.windowEnd())
                .setSince(episodeStart)
                .setTimestamp(evaluation.timestamp())
                .setReason(reason)
                .setPreviousVersion(subject.previousVersion())
                .setPreviousVersionBaseline(subject.previousVersionBaseline())
                .setLogBase(subject.logBase())
                .build();
    }

    private static String reason(AlertState previous, AlertState next, Evaluation evaluation, AlertSubject subject,
                                 AlertSettings settings, Instant episodeStart) {
        String what = subject.describe();
        String versionNote = subject.versionNote() == null ? "" : "; note that " + subject.versionNote();
        switch (next) {
            case PENDING:
                return "Possible loss regression of " + what + ": " + evaluation.finding() + "; it fires if "
                        + settings.fireAfter() + " evaluations in a row confirm it" + versionNote + ".";
            case FIRING:
                return "Loss regression of " + what + " since " + episodeStart + ": " + evaluation.finding()
                        + "; check what changed around then in its inputs, features, labels or serving" + versionNote + ".";
            case RESOLVED:
                return "Recovered: " + what + " is back near its baseline, " + evaluation.finding()
                        + "; new breaches are held back for " + settings.cooldown() + " of stream time.";
            case OK:
                return previous == AlertState.PENDING
                        ? "Not confirmed: " + what + " fell back before firing, " + evaluation.finding() + "."
                        : "Cooldown over: " + what + " is watched for new regressions again, " + evaluation.finding()
                        + ".";
            default:
                throw new IllegalStateException("no reason for a move to " + next);
        }
    }

    private static List<DriftAlert> add(List<DriftAlert> transitions, DriftAlert alert) {
        List<DriftAlert> more = transitions.isEmpty() ? new ArrayList<>(3) : transitions;
        more.add(alert);
        return more;
    }

    public AlertState state() {
        return state;
    }

    int breaches() {
        return breaches;
    }

    int clears() {
        return clears;
    }

    Instant since() {
        return since;
    }

    Instant resolvedAt() {
        return resolvedAt;
    }
}
