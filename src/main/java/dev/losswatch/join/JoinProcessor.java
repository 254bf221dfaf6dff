package dev.losswatch.join;

import dev.losswatch.events.DlqReason;
import dev.losswatch.events.InvalidEventException;
import dev.losswatch.events.Label;
import dev.losswatch.events.Prediction;
import dev.losswatch.join.ExpiryIndex.EntryKind;
import dev.losswatch.join.ExpiryIndex.WaitingValue;
import dev.losswatch.join.JoinMetrics.OrphanCause;
import dev.losswatch.events.DeadLetterHeaders;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * Joins each predictionId's prediction with its label, whichever comes first, exactly once.
 *
 * <p>Per predictionId the state is at most one of: a waiting prediction, a waiting label (each stored with
 * its arrival time, the record timestamp), or a settled outcome (joined with a label of a given fingerprint,
 * or published unlabeled, stored with its expiry time). Every state entry has one entry in the time index
 * under its expiry time; expiry takes the due prefix of the index, so its cost is proportional to what
 * expires. Before a record is handled, any due state of its own predictionId is expired
 * first, so whether a record joins depends only on the expiry clock, not on when the last scan ran.
 *
 * <p>Outputs go to named children: {@link PredictionLabelJoin#JOINED_NODE} (a {@link JoinedEvent}),
 * {@link PredictionLabelJoin#UNLABELED_NODE} (a {@link Prediction}) and
 * {@link PredictionLabelJoin#ORPHAN_LABELS_NODE} (a {@link Label} with dead-letter headers).
 */
final class JoinProcessor implements Processor<String, JoinInput, String, Object> {

    private static final byte[] NO_VALUE = new byte[0];

    private final JoinSettings settings;
    private final JoinMetrics metrics;
    private final long labelWaitMs;
    private final long horizonMs;
    private final long dedupRetentionMs;

    private ProcessorContext<String, Object> context;
    private TimestampedKeyValueStore<String, Prediction> pendingPredictions;
    private TimestampedKeyValueStore<String, Label> pendingLabels;
    private KeyValueStore<String, SettledOutcome> settled;
    private KeyValueStore<Bytes, byte[]> expiryIndex;
    private ExpiryClock clock;

    JoinProcessor(JoinSettings settings, JoinMetrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
        this.labelWaitMs = settings.labelWait().toMillis();
        this.horizonMs = settings.horizon().toMillis();
        this.dedupRetentionMs = settings.dedupRetention().toMillis();
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        pendingPredictions = context.getStateStore(PredictionLabelJoin.PENDING_PREDICTIONS_STORE);
        pendingLabels = context.getStateStore(PredictionLabelJoin.PENDING_LABELS_STORE);
        settled = context.getStateStore(PredictionLabelJoin.SETTLED_STORE);
        expiryIndex = context.getStateStore(PredictionLabelJoin.EXPIRY_INDEX_STORE);
        clock = new ExpiryClock(settings.idleExpiryAfter().toMillis(), context.currentStreamTimeMs(), context.currentSystemTimeMs());
        context.schedule(settings.expiryInterval(), PunctuationType.STREAM_TIME, streamTime -> expireDue());
        context.schedule(settings.expiryInterval(), PunctuationType.WALL_CLOCK_TIME, wallClock -> {
            clock.onWallClockTick(context.currentStreamTimeMs(), wallClock);
            expireDue();
        });
    }

    @Override
    public void process(Record<String, JoinInput> record) {
        String predictionId = requireKeyedByPredictionId(record);
        clock.observe(context.currentStreamTimeMs(), context.currentSystemTimeMs());
        long now = now();
        LiveState state = liveStateOf(predictionId, now);
        if (record.value() instanceof JoinInput.OfPrediction input) {
            onPrediction(record, predictionId, input.prediction(), state, now);
        } else {
            onLabel(record, predictionId, ((JoinInput.OfLabel) record.value()).label(), state, now);
        }
    }

    /** The state of one predictionId that has not expired yet; at most one of the three is set. */
    private record LiveState(ValueAndTimestamp<Prediction> waitingPrediction, SettledOutcome outcome,
                             ValueAndTimestamp<Label> waitingLabel) {
    }

    /**
     * Reads the predictionId's state, expiring what is due on the way. The waiting prediction comes first
     * because expiring it creates the settled outcome that the next step must see.
     */
    private LiveState liveStateOf(String predictionId, long now) {
        ValueAndTimestamp<Prediction> waitingPrediction = pendingPredictions.get(predictionId);
        if (waitingPrediction != null) {
            long expiresAt = expiryAfter(waitingPrediction.timestamp(), horizonMs);
            if (expiresAt > now) {
                return new LiveState(waitingPrediction, null, null);
            }
            expirePrediction(predictionId, waitingPrediction.value(), ExpiryIndex.key(expiresAt, EntryKind.PREDICTION, predictionId),
                    expiresAt, now);
        }
        SettledOutcome outcome = settled.get(predictionId);
        if (outcome != null) {
            if (outcome.expiresAt() > now) {
                return new LiveState(null, outcome, null);
            }
            forget(predictionId, outcome);
        }
        ValueAndTimestamp<Label> waitingLabel = pendingLabels.get(predictionId);
        if (waitingLabel != null) {
            long expiresAt = expiryAfter(waitingLabel.timestamp(), labelWaitMs);
            if (expiresAt > now) {
                return new LiveState(null, null, waitingLabel);
            }
            Bytes indexKey = ExpiryIndex.key(expiresAt, EntryKind.LABEL, predictionId);
            byte[] indexValue = expiryIndex.get(indexKey);
            // no entry under this key means the label arrived under another join.label-wait: its source is lost
            Optional<LabelSource> source = indexValue == null ? Optional.empty() : WaitingValue.decode(indexValue).source();
            expireLabel(predictionId, waitingLabel.value(), indexKey, source, expiresAt);
        }
        return new LiveState(null, null, null);
    }

    private void onPrediction(Record<String, JoinInput> record, String predictionId, Prediction prediction, LiveState state, long now) {
        if (state.waitingPrediction() != null || state.outcome() != null) {
            metrics.duplicatePrediction();
            return;
        }
        context.forward(record.withValue(prediction), PredictionLabelJoin.ACCEPTED_PREDICTIONS_NODE);
        if (state.waitingLabel() != null) {
            pendingLabels.delete(predictionId);
            expiryIndex.delete(waitingLabelKey(predictionId, state.waitingLabel().timestamp()));
            join(record, predictionId, prediction, state.waitingLabel().value(), now);
        } else {
            long expiresAt = expiryAfter(record.timestamp(), horizonMs);
            if (expiresAt <= now) {
                publishUnlabeled(predictionId, prediction, expiresAt, now);
            } else {
                pendingPredictions.put(predictionId, ValueAndTimestamp.make(prediction, record.timestamp()));
                expiryIndex.put(ExpiryIndex.key(expiresAt, EntryKind.PREDICTION, predictionId),
                        new WaitingValue(record.timestamp(), Optional.empty()).encode());
            }
        }
    }

    private void onLabel(Record<String, JoinInput> record, String predictionId, Label label, LiveState state, long now) {
        if (state.waitingPrediction() != null) {
            pendingPredictions.delete(predictionId);
            expiryIndex.delete(waitingPredictionKey(predictionId, state.waitingPrediction().timestamp()));
            join(record, predictionId, state.waitingPrediction().value(), label, now);
        } else if (state.outcome() != null) {
            if (state.outcome().kind() == SettledOutcome.Kind.UNLABELED) {
                publishOrphan(predictionId, label, record.timestamp(), LabelSource.of(context.recordMetadata()),
                        OrphanCause.AFTER_HORIZON, lateLabelDetail(predictionId));
            } else {
                countLabelCopy(state.outcome().labelFingerprint(), label);
            }
        } else if (state.waitingLabel() != null) {
            countLabelCopy(LabelFingerprint.of(state.waitingLabel().value()), label);
        } else {
            long expiresAt = expiryAfter(record.timestamp(), labelWaitMs);
            Optional<LabelSource> source = LabelSource.of(context.recordMetadata());
            if (expiresAt <= now) {
                publishOrphan(predictionId, label, expiresAt, source, OrphanCause.NO_PREDICTION, orphanDetail(predictionId, expiresAt));
            } else {
                pendingLabels.put(predictionId, ValueAndTimestamp.make(label, record.timestamp()));
                expiryIndex.put(ExpiryIndex.key(expiresAt, EntryKind.LABEL, predictionId),
                        new WaitingValue(record.timestamp(), source).encode());
            }
        }
    }

    /** A label for a predictionId that already has one: a copy if it says the same, else a conflict; the first one wins. */
    private void countLabelCopy(long firstLabelFingerprint, Label label) {
        if (LabelFingerprint.of(label) == firstLabelFingerprint) {
            metrics.duplicateLabel();
        } else {
            metrics.labelConflict();
        }
    }

    private void join(Record<String, JoinInput> record, String predictionId, Prediction prediction, Label label, long now) {
        settle(predictionId, SettledOutcome.joined(LabelFingerprint.of(label), expiryAfter(now, dedupRetentionMs)), now);
        context.forward(record.withValue(new JoinedEvent(prediction, label)), PredictionLabelJoin.JOINED_NODE);
        metrics.joined(prediction.getModelId());
    }

    /** Remembers the outcome until it expires; an outcome already past its retention is not worth a write. */
    private void settle(String predictionId, SettledOutcome outcome, long now) {
        if (outcome.expiresAt() > now) {
            settled.put(predictionId, outcome);
            expiryIndex.put(ExpiryIndex.key(outcome.expiresAt(), EntryKind.SETTLED, predictionId), NO_VALUE);
        }
    }

    private void expireDue() {
        long now = now();
        if (now < 0) {
            // stream time is unknown until the task's first record, and the backstop has not moved yet
            return;
        }
        List<KeyValue<Bytes, byte[]>> due = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> entries = expiryIndex.range(ExpiryIndex.LOWEST, ExpiryIndex.upperBoundThrough(now))) {
            while (entries.hasNext() && due.size() < settings.maxExpiriesPerScan()) {
                due.add(entries.next());
            }
        }
        for (KeyValue<Bytes, byte[]> entry : due) {
            expire(ExpiryIndex.decode(entry.key), entry.key, entry.value, now);
        }
    }

    /**
     * Expires the state an index entry points to, at the entry's time. An entry whose state is gone or arrived
     * at another time is stale: left behind when the state was removed under a key computed with a changed
     * join.horizon or join.label-wait, or by an at-least-once crash between two writes. It is dropped.
     */
    private void expire(ExpiryIndex.Entry entry, Bytes indexKey, byte[] indexValue, long now) {
        String predictionId = entry.predictionId();
        boolean stateFound = switch (entry.kind()) {
            case PREDICTION -> {
                ValueAndTimestamp<Prediction> pending = pendingPredictions.get(predictionId);
                boolean found = pending != null && pending.timestamp() == WaitingValue.decode(indexValue).arrivedAt();
                if (found) {
                    expirePrediction(predictionId, pending.value(), indexKey, entry.expiresAt(), now);
                }
                yield found;
            }
            case LABEL -> {
                ValueAndTimestamp<Label> pending = pendingLabels.get(predictionId);
                WaitingValue waiting = WaitingValue.decode(indexValue);
                boolean found = pending != null && pending.timestamp() == waiting.arrivedAt();
                if (found) {
                    expireLabel(predictionId, pending.value(), indexKey, waiting.source(), entry.expiresAt());
                }
                yield found;
            }
            case SETTLED -> {
                SettledOutcome outcome = settled.get(predictionId);
                boolean found = outcome != null && outcome.expiresAt() == entry.expiresAt();
                if (found) {
                    forget(predictionId, outcome);
                }
                yield found;
            }
        };
        if (!stateFound) {
            expiryIndex.delete(indexKey);
        }
    }

    private void expirePrediction(String predictionId, Prediction prediction, Bytes indexKey, long expiresAt, long now) {
        pendingPredictions.delete(predictionId);
        expiryIndex.delete(indexKey);
        publishUnlabeled(predictionId, prediction, expiresAt, now);
    }

    private void expireLabel(String predictionId, Label label, Bytes indexKey, Optional<LabelSource> source, long expiresAt) {
        pendingLabels.delete(predictionId);
        expiryIndex.delete(indexKey);
        publishOrphan(predictionId, label, expiresAt, source, OrphanCause.NO_PREDICTION, orphanDetail(predictionId, expiresAt));
    }

    private void forget(String predictionId, SettledOutcome outcome) {
        settled.delete(predictionId);
        expiryIndex.delete(ExpiryIndex.key(outcome.expiresAt(), EntryKind.SETTLED, predictionId));
    }

    private Bytes waitingPredictionKey(String predictionId, long arrivedAt) {
        return ExpiryIndex.key(expiryAfter(arrivedAt, horizonMs), EntryKind.PREDICTION, predictionId);
    }

    private Bytes waitingLabelKey(String predictionId, long arrivedAt) {
        return ExpiryIndex.key(expiryAfter(arrivedAt, labelWaitMs), EntryKind.LABEL, predictionId);
    }

    /** Forwards the prediction, timestamped with the moment its horizon passed, and remembers it as unlabeled. */
    private void publishUnlabeled(String predictionId, Prediction prediction, long horizonPassedAt, long now) {
        settle(predictionId, SettledOutcome.unlabeled(expiryAfter(horizonPassedAt, dedupRetentionMs)), now);
        context.forward(new Record<>(predictionId, prediction, horizonPassedAt), PredictionLabelJoin.UNLABELED_NODE);
        metrics.unlabeled(prediction.getModelId());
    }

    private void publishOrphan(String predictionId, Label label, long timestamp, Optional<LabelSource> source,
                               OrphanCause cause, String detail) {
        Headers headers = DeadLetterHeaders.add(new RecordHeaders(), DlqReason.ORPHAN_LABEL, detail,
                source.map(LabelSource::topic).orElse(null),
                source.map(LabelSource::partition).orElse(-1),
                source.map(LabelSource::offset).orElse(-1L));
        context.forward(new Record<>(predictionId, label, timestamp, headers), PredictionLabelJoin.ORPHAN_LABELS_NODE);
        metrics.orphanLabel(cause);
    }

    private String orphanDetail(String predictionId, long waitedUntil) {
        return "No prediction with predictionId '" + predictionId + "' arrived within " + JoinSettings.LABEL_WAIT + " ("
                + settings.labelWait() + ") of this label; it waited until " + Instant.ofEpochMilli(waitedUntil) + ".";
    }

    private String lateLabelDetail(String predictionId) {
        return "The prediction with predictionId '" + predictionId + "' passed " + JoinSettings.HORIZON + " ("
                + settings.horizon() + ") without a label and was already published as unlabeled; this label came too late to be joined.";
    }

    private long now() {
        return clock.now(context.currentStreamTimeMs());
    }

    private static long expiryAfter(long time, long waitMs) {
        return time > Long.MAX_VALUE - waitMs ? Long.MAX_VALUE : time + waitMs;
    }

    private static String requireKeyedByPredictionId(Record<String, JoinInput> record) {
        JoinInput input = record.value();
        String side = input instanceof JoinInput.OfPrediction ? "prediction" : "label";
        String predictionId = input.predictionId();
        if (predictionId == null) {
            throw new InvalidEventException(DlqReason.MISSING_KEY_OR_VALUE,
                    "The " + side + " record with key '" + record.key() + "' has no value; the join needs one to match on predictionId.");
        }
        if (!predictionId.equals(record.key())) {
            throw new InvalidEventException(DlqReason.PROCESSING_ERROR,
                    "The " + side + " with predictionId '" + predictionId + "' reached the join under key '" + record.key()
                            + "'; join inputs must be keyed (and partitioned) by predictionId.");
        }
        return predictionId;
    }
}
