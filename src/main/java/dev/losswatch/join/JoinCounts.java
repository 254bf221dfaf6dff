package dev.losswatch.join;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

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
                total(registry, JoinMetrics.JOINED),
                total(registry, JoinMetrics.UNLABELED),
                total(registry, JoinMetrics.DUPLICATE_PREDICTIONS),
                total(registry, JoinMetrics.DUPLICATE_LABELS),
                total(registry, JoinMetrics.LABEL_CONFLICTS),
                total(registry, JoinMetrics.ORPHAN_LABELS));
    }

    private static long total(MeterRegistry registry, String name) {
        return (long) registry.find(name).counters().stream().mapToDouble(Counter::count).sum();
    }
}
