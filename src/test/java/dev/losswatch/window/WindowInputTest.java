package dev.losswatch.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.losswatch.events.LogBase;
import dev.losswatch.events.OutputType;
import dev.losswatch.events.ScoredPrediction;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WindowInputTest {
    @Test
    void aScoredPredictionBecomesAScoredInputWithItsLossWeightCorrectnessAndConfidence() {
        ScoredPrediction scored = ScoredPrediction.newBuilder()
                .setPredictionId("p-1").setModelId("churn").setModelVersion("v1")
                .setPredictionTimestamp(Instant.EPOCH).setLabelTimestamp(Instant.EPOCH)
                .setOutputType(OutputType.LOGITS).setLoss(0.42).setLogBase(LogBase.TWO)
                .setPredictedClass(1).setCorrect(false).setConfidence(0.6).setTrueClassProbability(0.3)
                .setWeight(2.5)
                .build();

        assertThat(WindowInput.Scored.of(scored))
                .isEqualTo(new WindowInput.Scored(0.42, LogBase.TWO, 2.5, false, 0.6));
    }

    @Test
    void aLossConvertsBetweenLogBases() {
        WindowInput.Scored oneBit = new WindowInput.Scored(1.0, LogBase.TWO, 1.0, true, 0.5);

        assertThat(oneBit.lossIn(LogBase.TWO)).isEqualTo(1.0);
        assertThat(oneBit.lossIn(LogBase.E)).isCloseTo(Math.log(2), within(1e-16));
        assertThat(oneBit.lossIn(LogBase.TEN)).isCloseTo(Math.log10(2), within(1e-16));
    }

    @Test
    void inputsThatWouldPoisonAWindowCannotBeMade() {
        assertThatThrownBy(() -> new WindowInput.Scored(0.1, LogBase.E, -1.0, true, 0.5))
                .hasMessage("weight must be finite and > 0, got -1.0");
        assertThatThrownBy(() -> new WindowInput.Scored(0.1, null, 1.0, true, 0.5))
                .hasMessage("Scored.logBase must not be null");
        LossAggregate withLosses = new LossAggregate();
        withLosses.add(0.1, 1.0, true, 0.5);
        assertThatThrownBy(() -> new WindowInput.Partial(60_000, null, withLosses))
                .hasMessage("Partial.logBase must be set when the aggregate has scored events (1)");
    }
}
