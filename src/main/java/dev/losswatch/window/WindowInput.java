package dev.losswatch.window;

import dev.losswatch.events.LogBase;
import dev.losswatch.events.ScoredPrediction;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;

/**
 * What the windows consume, keyed by {@link WindowKey}; the record timestamp places it in time (prediction
 * time by default, see {@link TimeBasis}). Upstream processors forward these in memory; the byte form
 * ({@link #serde()}) is for a repartition topic, e.g. between the two stages of a hot model.
 */
public sealed interface WindowInput permits WindowInput.Scored, WindowInput.PredictionSeen, WindowInput.Partial {
    /** The one instance of {@link PredictionSeen}: it carries nothing but its key and timestamp. */
    PredictionSeen PREDICTION_SEEN = new PredictionSeen();

    /** One joined and scored prediction. */
    record Scored(double loss, LogBase logBase, double weight, boolean correct, double confidence)
            implements WindowInput {
        public Scored {
            Objects.requireNonNull(logBase, "Scored.logBase must not be null");
            LossAggregate.requireValidEvent(loss, weight, confidence);
        }

        public static Scored of(ScoredPrediction scored) {
            return new Scored(scored.getLoss(), scored.getLogBase(), scored.getWeight(), scored.getCorrect(),
                    scored.getConfidence());
        }

        /** The loss expressed in {@code target} units: a window keeps all its losses in one unit. */
        public double lossIn(LogBase target) {
            return target == logBase ? loss : loss * naturalLogOf(logBase) / naturalLogOf(target);
        }

        private static double naturalLogOf(LogBase base) {
            switch (base) {
                case E:
                    return 1.0;
                case TWO:
                    return Math.log(2.0);
                case TEN:
                    return Math.log(10.0);
                default:
                    throw new IllegalArgumentException("log base " + base + " is not supported");
            }
        }
    }

    /** A prediction was made, labelled or not: counts toward label coverage. */
    record PredictionSeen() implements WindowInput {
    }

    /**
     * The part of one window aggregated by a first stage since its previous partial (see
     * {@link LossWindows#addPartialStage}). It applies to the window of {@code windowSizeMs} that contains
     * the record timestamp. {@code logBase} is the unit of its losses; null only when it holds none.
     */
    record Partial(long windowSizeMs, LogBase logBase, LossAggregate aggregate) implements WindowInput {
        public Partial {
            if (windowSizeMs <= 0) {
                throw new IllegalArgumentException("Partial.windowSizeMs must be positive, got " + windowSizeMs);
            }
            Objects.requireNonNull(aggregate, "Partial.aggregate must not be null");
            if (logBase == null && aggregate.count() > 0) {
                throw new IllegalArgumentException("Partial.logBase must be set when the aggregate has scored events ("
                        + aggregate.count() + ")");
            }
        }
    }

    static Serde<WindowInput> serde() {
        return WindowFormats.serde(WindowInputCodec::toBytes, WindowInputCodec::fromBytes);
    }
}
