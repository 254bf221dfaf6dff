package dev.losswatch.join;

import dev.losswatch.events.Label;
import java.util.List;

/**
 * A 64-bit hash of what a label says: its target and its weight, not its timestamp. Two labels for one
 * predictionId with equal fingerprints are copies of one another; unequal fingerprints mean they disagree.
 * The value is persisted in the settled store, so the hash must never change between releases.
 *
 * <p>Each target kind is hashed under its own tag, so classIndex 1 and className "1" differ. Multi-label
 * positives are a set: their order does not count. Signed zeros count as zero.
 */
final class LabelFingerprint {

    private static final long SEED = 0x6c6f73737761746cL;
    private static final long MULTIPLIER_1 = 0x9E3779B97F4A7C15L;
    private static final long MULTIPLIER_2 = 0xC2B2AE3D27D4EB4FL;

    private static final int CLASS_INDEX_TAG = 1;
    private static final int CLASS_NAME_TAG = 2;
    private static final int DISTRIBUTION_TAG = 3;
    private static final int POSITIVES_TAG = 4;

    private LabelFingerprint() {
    }

    static long of(Label label) {
        long hash = SEED;
        if (label.getClassIndex() != null) {
            hash = mix(mix(hash, CLASS_INDEX_TAG), label.getClassIndex());
        }
        if (label.getClassName() != null) {
            String name = label.getClassName();
            hash = mix(mix(hash, CLASS_NAME_TAG), name.length());
            for (int i = 0; i < name.length(); i++) {
                hash = mix(hash, name.charAt(i));
            }
        }
        if (label.getDistribution() != null) {
            List<Float> distribution = label.getDistribution();
            hash = mix(mix(hash, DISTRIBUTION_TAG), distribution.size());
            for (Float probability : distribution) {
                // adding +0.0f turns -0.0f into 0.0f, so the two spellings of zero hash alike
                hash = mix(hash, Float.floatToIntBits(probability + 0.0f));
            }
        }
        if (label.getPositives() != null) {
            int[] positives = label.getPositives().stream().mapToInt(Integer::intValue).sorted().toArray();
            hash = mix(mix(hash, POSITIVES_TAG), positives.length);
            for (int positive : positives) {
                hash = mix(hash, positive);
            }
        }
        hash = mix(hash, Double.doubleToLongBits(label.getWeight() + 0.0));
        return finish(hash);
    }

    private static long mix(long hash, long word) {
        return Long.rotateLeft(hash ^ (word * MULTIPLIER_1), 31) * MULTIPLIER_2;
    }

    /** The splitmix64 finaliser: every input bit affects every output bit. */
    private static long finish(long hash) {
        long z = hash;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
