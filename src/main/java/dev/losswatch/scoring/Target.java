package dev.losswatch.scoring;

import java.util.Objects;

/**
 * The truth one prediction is scored against: a mutable holder, reused from event to event so that scoring
 * allocates nothing. Exactly one kind is set at a time; each setter replaces whatever was set before.
 * Arrays are referenced, not copied: keep them unchanged until the event is scored.
 */
public final class Target {
    /** Which kind of truth the holder carries. */
    public enum Kind {
        NONE,
        /** One class; for {@code BINARY_*} outputs 0 or 1. */
        CLASS_INDEX,
        /** A soft target, one probability per class. */
        DISTRIBUTION,
        /** The positive classes of a multi-label target, in any order, possibly none. */
        POSITIVES
    }

    private Kind kind = Kind.NONE;
    private int classIndex;
    private float[] distribution;
    private int[] positives;
    private int length;

    /** Forgets the target; scoring an event against an empty holder reports {@link InvalidKind#NO_TARGET}. */
    public void clear() {
        kind = Kind.NONE;
        distribution = null;
        positives = null;
        length = 0;
    }

    public void setClassIndex(int classIndex) {
        clear();
        this.kind = Kind.CLASS_INDEX;
        this.classIndex = classIndex;
    }

    /** A soft target made of {@code values[0..length)}. */
    public void setDistribution(float[] values, int length) {
        Objects.checkFromToIndex(0, length, values.length);
        clear();
        this.kind = Kind.DISTRIBUTION;
        this.distribution = values;
        this.length = length;
    }

    /** The positive classes {@code indices[0..length)} of a multi-label target. */
    public void setPositives(int[] indices, int length) {
        Objects.checkFromToIndex(0, length, indices.length);
        clear();
        this.kind = Kind.POSITIVES;
        this.positives = indices;
        this.length = length;
    }

    public Kind kind() {
        return kind;
    }

    int classIndex() {
        return classIndex;
    }

    float[] distribution() {
        return distribution;
    }

    int[] positives() {
        return positives;
    }

    /** Entries of the distribution or the positives list. */
    int length() {
        return length;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case NONE -> "Target[none]";
            case CLASS_INDEX -> "Target[classIndex=" + classIndex + "]";
            case DISTRIBUTION -> "Target[distribution of " + length + "]";
            case POSITIVES -> "Target[" + length + " positives]";
        };
    }
}
