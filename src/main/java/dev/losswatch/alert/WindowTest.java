package dev.losswatch.alert;

import java.time.Instant;

import dev.losswatch.events.Detector;

/**
 * One-sided test of a window's weighted mean loss against the baseline, firing only on a rise that is
 * both material and statistically significant.
 *
 * <p>Welch's test: the standard error combines the window's own variance at its effective size with
 * the baseline mean's sampling variance (zero for a configured baseline), with Welch–Satterthwaite
 * degrees of freedom. Per-event losses are right-skewed, which makes the upper tail of the t statistic
 * lighter than Student's, so the test errs towards silence.
 *
 * <p>The window breaches when its relative rise r̂ = observed/baseline − 1 reaches
 * max(min-relative-increase, t·se/baseline): at least the material rise, and large enough that its
 * lower confidence bound is above zero. On a big window the second term vanishes and only material
 * rises fire; on a small window it dominates and only rises that noise cannot explain fire. The
 * significance level is the window's share of the false-alarm budget, α = n_eff / (4 ×
 * expected-events-between-false-alarms): a quarter of the budget whatever the window size (see
 * {@link AlertSettings}). The window is CLEAR when r̂ is below half the material rise, and INCONCLUSIVE in between or
 * below {@code window.min-events}.
 */
public final class WindowTest {
    private static final double MAX_ALPHA = 0.05;

    private WindowTest() {
    }

    /** Judges a window; {@code streamTime} is when it is judged (typically when the window closed). */
    public static Evaluation evaluate(WindowSummary window, MeanEstimate baseline, AlertSettings settings, Instant streamTime) {
        LossMoments moments = window.moments();
        double baselineMean = baseline.mean();
        double observed = moments.mean();
        double rise = observed / baselineMean - 1;
        double effectiveCount = moments.effectiveCount();
        double windowVariance = moments.varianceOfMean();
        double baselineVariance = baseline.varianceOfMean();
        double standardError = Math.sqrt(windowVariance + baselineVariance);
        double alpha = Math.min(MAX_ALPHA, effectiveCount / settings.windowEventsBetweenFalseAlarms());
        double degreesOfFreedom = welchDegreesOfFreedom(windowVariance, effectiveCount, baselineVariance,
                baseline.effectiveCount());
        double significantRise = degreesOfFreedom >= 1
                ? Distributions.studentTUpperQuantile(alpha, degreesOfFreedom) * standardError / baselineMean
                : Double.POSITIVE_INFINITY;
        double requiredRise = Math.max(settings.minRelativeIncrease(), significantRise);
        Verdict verdict;
        if (effectiveCount < settings.windowMinEvents()) {
            verdict = Verdict.INCONCLUSIVE;
        } else if (rise >= requiredRise) {
            verdict = Verdict.BREACH;
        } else if (rise < settings.minRelativeIncrease() / 2) {
            verdict = Verdict.CLEAR;
        } else {
            verdict = Verdict.INCONCLUSIVE;
        }
        String finding = String.format(java.util.Locale.ROOT,
                "the window %s to %s has mean loss %s over %d events, %s the baseline %s (a breach needs %s at this"
                        + " window's size and spread)",
                window.start(), window.end(), Reasons.number(observed), moments.count(),
                Reasons.relative(observed, baselineMean), Reasons.number(baselineMean), Reasons.percent(requiredRise));
        return new Evaluation(Detector.WINDOW_TEST, verdict, observed, baselineMean, requiredRise, rise, window.start(),
                window.end(), window.start(), streamTime, finding);
    }

    /** Welch–Satterthwaite degrees of freedom of the difference of two means (infinite counts contribute 0). */
    static double welchDegreesOfFreedom(double windowVariance, double windowCount, double baselineVariance,
                                        double baselineCount) {
        double windowTerm = windowCount > 1 ? windowVariance * windowVariance / (windowCount - 1) : Double.POSITIVE_INFINITY;
        double baselineTerm = Double.isInfinite(baselineCount) || baselineVariance == 0 ? 0
                : baselineVariance * baselineVariance / (baselineCount - 1);
        double total = windowVariance + baselineVariance;
        double denominator = windowTerm + baselineTerm;
        if (denominator == 0) {
            return Double.POSITIVE_INFINITY;
        }
        return total * total / denominator;
    }
}
