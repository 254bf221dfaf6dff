package dev.losswatch.alert.bench;

/**
 * One simulated stream: a loss level and how the model's mean loss changes over the prediction index.
 *
 * @param name         short label for tables
 * @param level        the loss level of the unchanged model
 * @param shape        the kind of change
 * @param change       relative change of the mean loss: +0.25 is a 25% rise, −0.25 a 25% fall; for an
 *                     oscillation its amplitude
 * @param changeAt     prediction index where the change begins (ignored by STATIONARY and OSCILLATION)
 * @param rampEvents   predictions over which a GRADUAL change grows linearly to its full size
 * @param periodEvents predictions per cycle of an OSCILLATION
 * @param events       predictions in the stream
 */
public record Scenario(String name, LossLevel level, Shape shape, double change, long changeAt, long rampEvents,
                       long periodEvents, long events) {

    /** How the mean loss moves. */
    public enum Shape {
        /** Nothing changes. */
        STATIONARY,
        /** The mean loss oscillates sinusoidally by ± change around its level from the first event on. */
        OSCILLATION,
        /** At changeAt the world becomes noisier than the model believes (labels tempered): loss rises by change. */
        ABRUPT,
        /** Like ABRUPT, growing linearly from 0 to change over rampEvents. */
        GRADUAL,
        /** At changeAt the model becomes sharper while staying calibrated: loss falls by |change|. */
        IMPROVEMENT
    }

    public Scenario {
        if (events <= 0 || changeAt < 0 || rampEvents < 0 || periodEvents < 0) {
            throw new IllegalArgumentException("scenario " + name + " has negative or empty lengths");
        }
        if ((shape == Shape.ABRUPT || shape == Shape.GRADUAL) && !(change > 0)) {
            throw new IllegalArgumentException("scenario " + name + ": a regression needs a positive change, got " + change);
        }
        if (shape == Shape.IMPROVEMENT && !(change < 0 && change > -1)) {
            throw new IllegalArgumentException("scenario " + name + ": an improvement needs a change in (-1, 0), got "
                    + change);
        }
        if (shape == Shape.OSCILLATION && (!(change > 0 && change < 0.5) || periodEvents < 2)) {
            throw new IllegalArgumentException("scenario " + name + ": an oscillation needs an amplitude in (0, 0.5) and a"
                    + " period of at least 2 events");
        }
        if (shape == Shape.GRADUAL && rampEvents < 1) {
            throw new IllegalArgumentException("scenario " + name + ": a gradual change needs a ramp of at least 1 event");
        }
    }

    public static Scenario stationary(LossLevel level, long events) {
        return new Scenario("stationary", level, Shape.STATIONARY, 0, 0, 0, 0, events);
    }

    public static Scenario oscillation(LossLevel level, double amplitude, long periodEvents, long events) {
        return new Scenario(String.format(java.util.Locale.ROOT, "oscillating ±%.0f%% / %d", 100 * amplitude, periodEvents),
                level, Shape.OSCILLATION, amplitude, 0, 0, periodEvents, events);
    }

    public static Scenario abrupt(LossLevel level, double rise, long changeAt, long events) {
        return new Scenario(String.format(java.util.Locale.ROOT, "abrupt +%.0f%%", 100 * rise), level, Shape.ABRUPT, rise,
                changeAt, 0, 0, events);
    }

    public static Scenario gradual(LossLevel level, double rise, long changeAt, long rampEvents, long events) {
        return new Scenario(String.format(java.util.Locale.ROOT, "gradual +%.0f%% / %d", 100 * rise, rampEvents), level,
                Shape.GRADUAL, rise, changeAt, rampEvents, 0, events);
    }

    public static Scenario improvement(LossLevel level, double fall, long changeAt, long events) {
        return new Scenario(String.format(java.util.Locale.ROOT, "improvement %.0f%%", 100 * fall), level,
                Shape.IMPROVEMENT, fall, changeAt, 0, 0, events);
    }

    /** Whether the stream changes at {@link #changeAt} (regressions and improvements). */
    public boolean hasChangePoint() {
        return shape == Shape.ABRUPT || shape == Shape.GRADUAL || shape == Shape.IMPROVEMENT;
    }

    /** Whether an alert after the change point is a detection (true) or a false alarm (false). */
    public boolean isRegression() {
        return shape == Shape.ABRUPT || shape == Shape.GRADUAL;
    }

    /** The relative change of the expected loss at prediction {@code index}. */
    public double relativeChangeAt(long index) {
        switch (shape) {
            case STATIONARY:
                return 0;
            case OSCILLATION:
                return change * Math.sin(2 * Math.PI * index / periodEvents);
            case GRADUAL:
                return index < changeAt ? 0 : change * Math.min(1.0, (index - changeAt + 1) / (double) rampEvents);
            default:
                return index < changeAt ? 0 : change;
        }
    }

    public Scenario withEvents(long newEvents) {
        return new Scenario(name, level, shape, change, changeAt, rampEvents, periodEvents, newEvents);
    }
}
