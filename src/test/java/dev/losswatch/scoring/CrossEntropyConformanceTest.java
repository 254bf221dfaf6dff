package dev.losswatch.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.losswatch.scoring.ConformanceCases.Case;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("CrossEntropy against the conformance vectors")
class CrossEntropyConformanceTest {

    static List<Case> cases() {
        return ConformanceCases.load();
    }

    @Test
    void theFileHoldsAllFourHundredAndSixCasesWithSixtyFourInvalidOnes() {
        List<Case> cases = cases();
        assertThat(cases).hasSize(406);
        assertThat(cases).filteredOn(Case::expectsInvalidInput).hasSize(64);
        assertThat(cases).filteredOn(c -> !c.expectsInvalidInput()).allMatch(c -> c.expectedLoss() != null);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void scoresEveryCaseAsTheReferenceDoes(Case c) {
        Target target = new Target();
        c.applyTo(target);
        ScoreResult result = new ScoreResult();

        boolean valid = CrossEntropy.score(c.outputType(), c.scores(), c.scores().length, target, c.settings(),
                result);

        if (c.expectsInvalidInput()) {
            assertThat(valid).as("%s (%s) is invalid", c.id(), c.note()).isFalse();
            assertThat(result.invalidReason()).isNotBlank();
        } else {
            assertThat(valid).as("%s: %s", c.id(), result).isTrue();
            double expected = c.expectedLoss();
            assertThat(ConformanceCases.agrees(result.loss(), expected))
                    .as("%s: loss %s, expected %s (relative error %s); %s", c.id(), result.loss(), expected,
                            Math.abs(result.loss() - expected) / expected, c.note())
                    .isTrue();
        }
    }
}
