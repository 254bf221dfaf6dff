package dev.losswatch.alert;

import java.time.Instant;

import dev.losswatch.events.Detector;

/**
 * One-sided CUSUM detector on per-event losses in label-arrival order, self-calibrated from the baseline.
 *
 * <p><b>Why CUSUM.</b> For a shift in mean it is the optimal detector (Lorden, Moustakides): fastest
 * worst-case detection at a given false-alarm rate, and that rate is computable from the baseline's own
 * distribution, which is what lets one setting ({@code expected-events-between-false-alarms}) serve
 * every model. Page-Hinkley is the same statistic with a hand-set threshold; ADWIN's Hoeffding bounds
 * are distribution-free and therefore far too loose for a heavy-tailed loss (slow) or, with tuned
 * constants, uncalibrated (noisy).
 *
 * <p><b>A bank, not one CUSUM.</b> One CUSUM is optimal only for the shift it is tuned to; a +10%
 * tuning detects +100% slowly and vice versa. Four CUSUMs tuned to rises of 1, 2.5, 5 and 10 times
 * {@code min-relative-increase} approximate the generalised likelihood-ratio detector over that range;
 * each gets a quarter of the detector's false-alarm budget (a union bound, so the bank errs towards
 * silence).
 *
 * <p><b>Materiality.</b> A CUSUM tuned to a rise d has its reference k (a relative rise) between d/2,
 * the optimum when only the stationary false-alarm rate counts, and (d + m/2)/2, midway between d and
 * the immaterial rise m/2 (half of {@code min-relative-increase}). Rises at or below m/2 (seasonal
 * swings such as the ±5% oscillation) must raise alarms at most 16 times as often as no rise at all;
 * k is the lowest value, and h the lowest threshold, meeting both the stationary rate and this guard.
 * For the CUSUMs tuned to large rises the guard never binds; for the smallest it decides k and h.
 *
 * <p><b>Heavy tails.</b> Each loss is capped at a high baseline quantile
 * ({@code sequential.winsorize-quantile}), so a handful of absurd losses cannot fire it, and the
 * threshold comes from the exact tail of the capped baseline distribution (see {@link CusumCalibration})
 * rather than from a normal approximation that underrates skewed losses.
 *
 * <p><b>One regression, one alert.</b> After a crossing each statistic is held below 1.5 times its
 * threshold, and the detector reports CLEAR only once every statistic has fallen below half of its
 * threshold, so a persisting regression stays in breach and a recovered one clears within a bounded
 * number of events.
 */
public final class SequentialDetector {
    static final double[] TARGET_MULTIPLES = {1, 2.5, 5, 10};
    private static final double CEILING = 1.5;
    private static final double CLEAR_BELOW = 0.5;

    private final Calibration calibration;
    private final double[] sums;
    private final long[] runEvents;
    private final double[] runLossSums;
    private final long[] runStartMillis;

    /**
     * What was derived from the baseline and the settings.
     *
     * @param baselineMean  the per-event null mean loss
     * @param cap           losses above this are counted as this
     * @param rises         relative rise each CUSUM is tuned to
     * @param references    per-event reference value of each CUSUM (capped-loss units)
     * @param thresholds    alarm threshold of each CUSUM
     * @param basis         the settings the calibration was derived from
     */
    record Calibration(double baselineMean, double cap, double[] rises, double[] references, double[] thresholds,
                       Basis basis) {
    }

    /** The settings a calibration depends on; when they change, the detector is recalibrated. */
    record Basis(double minRelativeIncrease, double expectedEventsBetweenFalseAlarms, double winsorizeQuantile) {
        static Basis of(AlertSettings settings) {
            return new Basis(settings.minRelativeIncrease(), settings.expectedEventsBetweenFalseAlarms(),
                    settings.winsorizeQuantile());
        }
    }

    private SequentialDetector(Calibration calibration, double[] sums, long[] runEvents, double[] runLossSums,
                               long[] runStartMillis) {
        this.calibration = calibration;
        this.sums = sums;
        this.runEvents = runEvents;
        this.runLossSums = runLossSums;
        this.runStartMillis = runStartMillis;
    }

    /** A detector with all statistics at 0, calibrated from the baseline and the settings. */
    public static SequentialDetector calibrate(Baseline baseline, AlertSettings settings) {
        // the cap is an exact quantile of the reference losses, the distribution it clips has their exact moments
        double cap = baseline.quantile(settings.winsorizeQuantile());
        EmpiricalDistribution capped = baseline.nullDistribution().clippedAt(cap);
        double mean = baseline.perEventMean();
        double standardError = baseline.perEventMeanStandardError();
        double material = settings.minRelativeIncrease();
        int members = TARGET_MULTIPLES.length;
        double stationaryRunLength = settings.sequentialEventsBetweenFalseAlarms() * members;
        double guardRunLength = settings.immaterialRiseEventsBetweenAlarms();
        double[] rises = new double[members];
        double[] references = new double[members];
        double[] thresholds = new double[members];
        for (int j = 0; j < members; j++) {
            rises[j] = material * TARGET_MULTIPLES[j];
            Member member = Member.tune(capped, mean, standardError, rises[j], material / 2, stationaryRunLength,
                    guardRunLength);
            references[j] = member.reference;
            thresholds[j] = member.threshold;
        }
        return restore(new Calibration(mean, cap, rises, references, thresholds, Basis.of(settings)), new double[members],
                new long[members],
                new double[members], new long[members]);
    }

    /** One CUSUM of the bank: its reference value and threshold. */
    private record Member(double reference, double threshold) {
        /**
         * The reference k (as a relative rise) and threshold h for a CUSUM aimed at a rise {@code rise}. Two
         * constraints: at most one alarm per {@code stationaryRunLength} events when nothing changed, and at
         * most one per {@code guardRunLength} while the loss sits at the immaterial rise {@code immaterial}.
         * Within them the fastest detection of {@code rise} is wanted. The unconstrained optimum is k = rise/2;
         * the immaterial-rise guard needs k further from {@code immaterial}, at most at the midpoint of the
         * two, where it allows the lowest threshold. So k is the smallest value in [rise/2, midpoint] at which
         * the stationary threshold already satisfies the guard (bisection), or the midpoint with the guard's
         * threshold if none does.
         */
        static Member tune(EmpiricalDistribution capped, double mean, double standardError, double rise,
                           double immaterial, double stationaryRunLength, double guardRunLength) {
            double cappedMean = capped.mean();
            double lowest = Math.max(rise / 2, immaterial);
            double midpoint = (rise + immaterial) / 2;
            double atMidpoint = CusumCalibration.threshold(capped, cappedMean + midpoint * mean, stationaryRunLength,
                    standardError);
            double guardAtMidpoint = guardThreshold(capped, mean, midpoint, immaterial, guardRunLength);
            if (guardAtMidpoint >= atMidpoint) {
                return new Member(cappedMean + midpoint * mean, guardAtMidpoint);
            }
            if (lowest > immaterial && guardThreshold(capped, mean, lowest, immaterial, guardRunLength)
                    <= CusumCalibration.threshold(capped, cappedMean + lowest * mean, stationaryRunLength, standardError)) {
                return new Member(cappedMean + lowest * mean,
                        CusumCalibration.threshold(capped, cappedMean + lowest * mean, stationaryRunLength, standardError));
            }
            double satisfied = midpoint;
            double violated = lowest;
            for (int i = 0; i < 8; i++) {
                double k = 0.5 * (satisfied + violated);
                double stationary = CusumCalibration.threshold(capped, cappedMean + k * mean, stationaryRunLength,
                        standardError);
                if (guardThreshold(capped, mean, k, immaterial, guardRunLength) <= stationary) {
                    satisfied = k;
                } else {
                    violated = k;
                }
            }
            return new Member(cappedMean + satisfied * mean,
                    CusumCalibration.threshold(capped, cappedMean + satisfied * mean, stationaryRunLength, standardError));
        }

        /**
         * The threshold that allows one alarm per {@code guardRunLength} events while every loss is scaled up
         * by the immaterial rise (a rise scales the whole distribution, tail included, which raises alarms
         * sooner than the same rise added as a constant). Relative to the baseline as estimated: a guard
         * against wobble, not a rate promise averaged over baselines.
         */
        private static double guardThreshold(EmpiricalDistribution capped, double mean, double k, double immaterial,
                                             double guardRunLength) {
            return CusumCalibration.threshold(capped.scaledBy(1 + immaterial), capped.mean() + k * mean,
                    guardRunLength, 0);
        }
    }

    static SequentialDetector restore(Calibration calibration, double[] sums, long[] runEvents, double[] runLossSums,
                                      long[] runStartMillis) {
        return new SequentialDetector(calibration, sums, runEvents, runLossSums, runStartMillis);
    }

    /** Takes one labelled event's loss (in label-arrival order) and says where the detector stands. */
    public Verdict observe(double loss, Instant time) {
        double capped = Math.min(loss, calibration.cap());
        boolean breach = false;
        boolean clear = true;
        for (int j = 0; j < sums.length; j++) {
            double threshold = calibration.thresholds()[j];
            double sum = sums[j] + capped - calibration.references()[j];
            if (sum <= 0) {
                sums[j] = 0;
                runEvents[j] = 0;
                runLossSums[j] = 0;
                continue;
            }
            if (runEvents[j] == 0) {
                runStartMillis[j] = time.toEpochMilli();
            }
            runEvents[j]++;
            runLossSums[j] += loss;
            sums[j] = Math.min(sum, CEILING * threshold);
            breach |= sums[j] >= threshold;
            clear &= sums[j] < CLEAR_BELOW * threshold;
        }
        return breach ? Verdict.BREACH : clear ? Verdict.CLEAR : Verdict.INCONCLUSIVE;
    }

    /** The evidence behind the latest verdict: the CUSUM closest to (or furthest past) its threshold. */
    public Evaluation evidence(Verdict verdict, Instant time) {
        int strongest = 0;
        for (int j = 1; j < sums.length; j++) {
            if (sums[j] / calibration.thresholds()[j] > sums[strongest] / calibration.thresholds()[strongest]) {
                strongest = j;
            }
        }
        long events = runEvents[strongest];
        double baseline = calibration.baselineMean();
        Instant runStart = events > 0 ? Instant.ofEpochMilli(runStartMillis[strongest]) : time;
        double observed = events > 0 ? runLossSums[strongest] / events : baseline;
        String finding = String.format(java.util.Locale.ROOT,
                "the mean loss of the %d labelled events since %s is %s, %s the baseline %s (CUSUM for a %s rise at"
                        + " %.4g of its threshold %.4g)",
                events, runStart, Reasons.number(observed), Reasons.relative(observed, baseline),
                Reasons.number(baseline), Reasons.percent(calibration.rises()[strongest]),
                sums[strongest] / calibration.thresholds()[strongest], calibration.thresholds()[strongest]);
        return new Evaluation(Detector.SEQUENTIAL, verdict, observed, baseline, calibration.thresholds()[strongest],
                sums[strongest], runStart, time, runStart, time, finding);
    }

    /** Whether this detector was calibrated with the knobs of {@code settings} that matter to it. */
    boolean isCalibratedFor(AlertSettings settings) {
        return calibration.basis().equals(Basis.of(settings));
    }

    Calibration calibration() {
        return calibration;
    }

    double[] sums() {
        return sums;
    }

    long[] runEvents() {
        return runEvents;
    }

    double[] runLossSums() {
        return runLossSums;
    }

    long[] runStartMillis() {
        return runStartMillis;
    }
}
