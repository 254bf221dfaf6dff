package dev.losswatch.join;

import dev.losswatch.events.Label;
import dev.losswatch.events.Prediction;
import java.util.Objects;

/** A prediction and the label it was joined with; exactly one per predictionId. Passed in memory, never serialised. */
public record JoinedEvent(Prediction prediction, Label label) {
    public JoinedEvent {
        Objects.requireNonNull(prediction, "prediction");
        Objects.requireNonNull(label, "label");
    }
}
