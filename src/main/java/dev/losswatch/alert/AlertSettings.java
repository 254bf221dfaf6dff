package dev.losswatch.alert;

import java.time.Duration;
import java.util.OptionalDouble;

/**
 * Every knob of drift alerting for one model, resolved from configuration by {@link AlertConfiguration}.
 * docs/alerts.md explains each with its default and the reason for it.
 *
 * @param minRelativeIncrease          smallest rise of mean loss over the baseline worth an alert (0.10 = 10%)
 * @param expectedEventsBetweenFalseAlarms labelled events per false alarm the detectors are calibrated to,
 *                                     shared by both detectors of a (model, version, slice)
 * @param fireAfter                    breach evaluations (without a clear one between) before PENDING becomes FIRING
 * @param resolveAfter                 clear evaluations (without a breach between) before FIRING becomes RESOLVED
 * @param cooldown                     stream time an alert stays RESOLVED, ignoring new breaches, before it is OK again
 * @param referenceMinEvents           a learned baseline's reference period lasts at least this many events...
 * @param referenceMinDuration         ...and at least this long (stream time) after the version is first seen...
 * @param referenceMaxRelativeError    ...and until the standard error of its mean is at most this fraction of the mean...
 * @param referenceMaxEvents           ...but never longer than this many events
 * @param windowMinEvents              windows with a smaller effective event count are inconclusive
 * @param winsorizeQuantile            the sequential detector caps each loss at this quantile of the baseline
 * @param configuredBaseline           a baseline mean given by the user (e.g. from offline validation), if any
 */
public record AlertSettings(
        double minRelativeIncrease,
        double expectedEventsBetweenFalseAlarms,
        int fireAfter,
        int resolveAfter,
        Duration cooldown,
        long referenceMinEvents,
        Duration referenceMinDuration,
        double referenceMaxRelativeError,
        long referenceMaxEvents,
        double windowMinEvents,
        double winsorizeQuantile,
        OptionalDouble configuredBaseline) {

    public AlertSettings {
        require(minRelativeIncrease > 0 && minRelativeIncrease <= 10, "min-relative-increase", minRelativeIncrease,
                "in (0, 10]");
        require(expectedEventsBetweenFalseAlarms >= 100 && Double.isFinite(expectedEventsBetweenFalseAlarms),
                "expected-events-between-false-alarms", expectedEventsBetweenFalseAlarms, "at least 100");
        require(fireAfter >= 1, "fire-after", fireAfter, "at least 1");
        require(resolveAfter >= 1, "resolve-after", resolveAfter, "at least 1");
        require(!cooldown.isNegative(), "cooldown", cooldown, "not negative");
        require(referenceMinEvents >= 2, "reference.min-events", referenceMinEvents, "at least 2");
        require(!referenceMinDuration.isNegative(), "reference.min-duration", referenceMinDuration, "not negative");
        require(referenceMaxRelativeError > 0, "reference.max-relative-error", referenceMaxRelativeError, "positive");
        require(referenceMaxEvents >= referenceMinEvents, "reference.max-events", referenceMaxEvents,
                "at least reference.min-events (" + referenceMinEvents + ")");
        require(windowMinEvents >= 2, "window.min-events", windowMinEvents, "at least 2");
        require(winsorizeQuantile > 0.5 && winsorizeQuantile <= 1, "sequential.winsorize-quantile", winsorizeQuantile,
                "in (0.5, 1]");
        configuredBaseline.ifPresent(mean -> require(mean > 0 && Double.isFinite(mean), "baseline", mean,
                "a positive mean loss"));
    }

    /** The defaults, with no configured baseline. */
    public static AlertSettings defaults() {
        return AlertConfiguration.defaults().forModel("");
    }

    /**
     * Events per false alarm the sequential detector is calibrated to: three quarters of the budget. The
     * window test gets the other quarter as its per-window significance level, and needs {@link #fireAfter}
     * breaching windows besides, so its realised false alarms are far rarer than its share allows.
     */
    double sequentialEventsBetweenFalseAlarms() {
        return expectedEventsBetweenFalseAlarms * 4 / 3;
    }

    /** Events per false alarm the window test's significance level is derived from: a quarter of the budget. */
    double windowEventsBetweenFalseAlarms() {
        return expectedEventsBetweenFalseAlarms * 4;
    }

    /**
     * Events per alarm the sequential detector may raise while the loss sits at half the material rise, an
     * immaterial rise: at most 16 times the stationary rate. Without such a guard a detector tuned to catch
     * the material rise quickly fires on every long enough seasonal swing of half its size.
     */
    double immaterialRiseEventsBetweenAlarms() {
        return expectedEventsBetweenFalseAlarms / 16;
    }

    private static void require(boolean valid, String knob, Object value, String expectation) {
        if (!valid) {
            throw new IllegalArgumentException("alerts." + knob + " must be " + expectation + ", got " + value);
        }
    }
}
