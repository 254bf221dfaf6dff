package dev.losswatch.runtime;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** What preflight rejects before it talks to any broker. */
class KafkaPreflightTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    /** Never contacted: every check here fails before a request is sent. */
    private static final Map<String, Object> UNUSED_BROKER = Map.of("bootstrap.servers", "127.0.0.1:9");

    @Test
    void aConfigurationWithoutBootstrapServersIsRejectedWithTheSettingNamed() {
        assertThatExceptionOfType(PreflightException.class)
                .isThrownBy(() -> KafkaPreflight.connect(Map.of("bootstrap.servers", " "), TIMEOUT))
                .withMessageContaining("bootstrap.servers is missing or empty");
    }

    @Test
    void aZeroTimeoutIsRejected() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> KafkaPreflight.connect(UNUSED_BROKER, Duration.ZERO))
                .withMessageContaining("got PT0S");
    }

    @Test
    void anUnparsableJaasConfigFailsAtConnectWithoutEchoingIt() {
        Map<String, Object> brokenJaas = Map.of(
                "bootstrap.servers", "127.0.0.1:9",
                "security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", "PLAIN",
                "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required password=\"s3cr3t-value\"");

        assertThatExceptionOfType(PreflightException.class)
                .isThrownBy(() -> KafkaPreflight.connect(brokenJaas, TIMEOUT))
                .withMessageContaining("bootstrap.servers=127.0.0.1:9")
                .withMessageNotContaining("s3cr3t-value");
    }

    @Test
    void topicsNeedAtLeastOnePartitionAndOneReplica() {
        try (KafkaPreflight preflight = KafkaPreflight.connect(UNUSED_BROKER, TIMEOUT)) {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> preflight.createTopics(List.of("t"), 0, (short) 1))
                    .withMessage("Topic partition count must be at least 1, got 0");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> preflight.createTopics(List.of("t"), 1, (short) 0))
                    .withMessage("Topic replication factor must be at least 1, got 0");
        }
    }
}
