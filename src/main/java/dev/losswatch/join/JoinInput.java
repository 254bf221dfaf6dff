package dev.losswatch.join;

import dev.losswatch.events.Label;
import dev.losswatch.events.Prediction;

/** One record entering the join processor: the two input streams merged into one, so one processor owns the state. */
sealed interface JoinInput permits JoinInput.OfPrediction, JoinInput.OfLabel {

    /** The predictionId the value carries, or null when the value itself is missing. */
    String predictionId();

    record OfPrediction(Prediction prediction) implements JoinInput {
        @Override
        public String predictionId() {
            return prediction == null ? null : prediction.getPredictionId();
        }
    }

    record OfLabel(Label label) implements JoinInput {
        @Override
        public String predictionId() {
            return label == null ? null : label.getPredictionId();
        }
    }
}
