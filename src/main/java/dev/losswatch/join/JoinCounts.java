package dev.losswatch.join;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;

/**
 * The join's counters summed over their tags, as a backtest reports them. Read from the same registry
 * the join was given, e.g. a {@code SimpleMeterRegistry}.
 */
public record JoinCounts(
        long joined,
        long unlabeled,
        long duplicatePredictions,
        long duplicateLabels,
        long labelConflicts,
        long orphanLabels) {

    public static JoinCounts readFrom(MeterRegistry registry) {
        return new JoinCounts(
                total(registry.find(JoinMetrics.JOINED)),
                total(registry.find(JoinMetrics.UNLABELED)),
                total(registry.find(JoinMetrics.DUPLICATES).tag(JoinMetrics.SIDE_TAG, JoinMetrics.PREDICTION_SIDE)),
                total(registry.find(JoinMetrics.DUPLICATES).tag(JoinMetrics.SIDE_TAG, JoinMetrics.LABEL_SIDE)),
                total(registry.find(JoinMetrics.CONFLICTS)),
                total(registry.find(JoinMetrics.ORPHAN_LABELS)));
    }

    private static long total(Search counters) {
        return (long) counters.counters().stream().mapToDouble(Counter::count).sum();
    }
}
