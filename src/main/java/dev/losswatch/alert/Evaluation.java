package dev.losswatch.alert;

import java.time.Instant;

import dev.losswatch.events.Detector;

/**
 * One detector's judgement with its evidence, in the terms a {@link dev.losswatch.events.DriftAlert} reports.
 *
 * @param observed      the mean loss the detector judged
 * @param baseline      the baseline mean loss it compared with
 * @param threshold     the value the statistic had to reach to breach
 * @param statistic     the detector's statistic
 * @param windowStart   first event time of the evidence (window start, or the first event of the CUSUM run)
 * @param windowEnd     last event time of the evidence (window end, or this event)
 * @param evidenceSince when the evidence of the current excursion began
 * @param timestamp     stream time of the evaluation
 * @param finding       the evidence in words, a clause a human can read
 */
public record Evaluation(Detector detector, Verdict verdict, double observed, double baseline, double threshold,
                         double statistic, Instant windowStart, Instant windowEnd, Instant evidenceSince,
                         Instant timestamp, String finding) {
}
