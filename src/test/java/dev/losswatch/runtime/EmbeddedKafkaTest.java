package dev.losswatch.runtime;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class EmbeddedKafkaTest {
    @Test
    void overridesOfListenersOrDirectoriesAreRejectedBeforeAnythingStarts() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> EmbeddedKafka.start(null, Map.of(
                        "listeners", "PLAINTEXT://0.0.0.0:9092", "log.dirs", "/var/kafka", "num.io.threads", "2")))
                .withMessageContaining("[listeners, log.dirs]")
                .withMessageContaining("remove them from the overrides");
    }
}
