package dev.losswatch.alert;

import java.time.Instant;

/**
 * The loss aggregate of one window, as the window stage computes it.
 *
 * @param start           window start (inclusive)
 * @param end             window end (exclusive)
 * @param moments         count, weight sums, weighted mean and variance of the window's losses; the sum of
 *                        squared weights is required, since with unequal weights the precision of the
 *                        weighted mean is that of the effective count (Σw)²/Σw², not of the raw count
 */
public record WindowSummary(Instant start, Instant end, LossMoments moments) {
}
