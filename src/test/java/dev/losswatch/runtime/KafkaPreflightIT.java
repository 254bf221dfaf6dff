package dev.losswatch.runtime;

import dev.losswatch.testing.KafkaBrokerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

@ExtendWith(KafkaBrokerExtension.class)
class KafkaPreflightIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final EmbeddedKafka kafka;

    KafkaPreflightIT(EmbeddedKafka kafka) {
        this.kafka = kafka;
    }

    @Test
    void aReachableBrokerPassesAndReportsItsCluster() {
        try (KafkaPreflight preflight = connect(kafka.bootstrapServers())) {
            KafkaPreflight.Cluster cluster = preflight.checkReachable();

            assertThat(cluster.id()).isNotBlank();
            assertThat(cluster.brokerCount()).isEqualTo(1);
        }
    }

    @Test
    void missingTopicsAreAllNamedWithTheBrokerAndTheCreateTopicsHint() {
        kafka.createTopics(2, "required.present");

        try (KafkaPreflight preflight = connect(kafka.bootstrapServers())) {
            assertThatThrownBy(() -> preflight.requireTopics(List.of("required.present", "required.absent-b", "required.absent-a")))
                    .isInstanceOf(PreflightException.class)
                    .hasMessageContaining("2 required topic(s) missing")
                    .hasMessageContaining("bootstrap.servers=" + kafka.bootstrapServers())
                    .hasMessageContaining("required.absent-a, required.absent-b")
                    .hasMessageNotContaining("required.present")
                    .hasMessageContaining("--create-topics");
        }
    }

    @Test
    void existingTopicsPassWithTheirPartitionCounts() {
        kafka.createTopics(2, "counted.two");
        kafka.createTopics(5, "counted.five");

        try (KafkaPreflight preflight = connect(kafka.bootstrapServers())) {
            assertThat(preflight.requireTopics(List.of("counted.two", "counted.five")))
                    .containsExactly(Map.entry("counted.five", 5), Map.entry("counted.two", 2));
        }
    }

    @Test
    void createTopicsCreatesOnlyTheMissingOnesAndLeavesExistingOnesAsTheyAre() {
        kafka.createTopics(2, "create.existing");

        try (KafkaPreflight preflight = connect(kafka.bootstrapServers())) {
            List<String> created = preflight.createTopics(List.of("create.new-b", "create.existing", "create.new-a"), 3, (short) 1);

            assertThat(created).containsExactly("create.new-a", "create.new-b");
            assertThat(preflight.requireTopics(List.of("create.existing", "create.new-a", "create.new-b")))
                    .containsExactly(Map.entry("create.existing", 2), Map.entry("create.new-a", 3), Map.entry("create.new-b", 3));
        }
    }

    @Test
    void aReplicationFactorTheClusterCannotMeetNamesTheTopicAndTheReason() {
        try (KafkaPreflight preflight = connect(kafka.bootstrapServers())) {
            assertThatThrownBy(() -> preflight.createTopics(List.of("replicated.thrice"), 1, (short) 3))
                    .isInstanceOf(PreflightException.class)
                    .hasMessageContaining("replicated.thrice")
                    .hasMessageContaining("replication factor 3")
                    .hasMessageContaining("InvalidReplicationFactorException")
                    .hasMessageContaining("bootstrap.servers=" + kafka.bootstrapServers());
        }
    }

    @Test
    void anUnreachableBootstrapFailsWithinTheTimeoutNamingTheAddress() {
        String closedPort = "127.0.0.1:" + EmbeddedKafka.freeLoopbackPorts(1).get(0);
        Duration timeout = Duration.ofSeconds(2);

        // the admin client's own default would wait 60 s: finishing well before that shows the timeout applies
        PreflightException failure = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try (KafkaPreflight preflight = KafkaPreflight.connect(Map.of("bootstrap.servers", closedPort), timeout)) {
                return catchPreflightFailure(preflight);
            }
        });

        assertThat(failure.getMessage())
                .contains("bootstrap.servers=" + closedPort)
                .contains("is not reachable")
                .contains("within " + timeout);
    }

    @Test
    void failuresNeverShowTheCredentialsOfTheClientConfiguration() {
        String password = "pw-" + System.nanoTime();
        Map<String, Object> saslToAPlaintextListener = Map.of(
                "bootstrap.servers", kafka.bootstrapServers(),
                "security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", "PLAIN",
                "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required "
                        + "username=\"losswatch\" password=\"" + password + "\";");

        try (KafkaPreflight preflight = KafkaPreflight.connect(saslToAPlaintextListener, Duration.ofSeconds(3))) {
            PreflightException failure = catchPreflightFailure(preflight);

            assertThat(failure.getMessage())
                    .contains("bootstrap.servers=" + kafka.bootstrapServers())
                    .doesNotContain(password);
        }
    }

    private static PreflightException catchPreflightFailure(KafkaPreflight preflight) {
        try {
            preflight.checkReachable();
        } catch (PreflightException expected) {
            return expected;
        }
        throw new AssertionError("checkReachable() passed, but should have failed");
    }

    private static KafkaPreflight connect(String bootstrapServers) {
        return KafkaPreflight.connect(Map.of("bootstrap.servers", bootstrapServers), TIMEOUT);
    }
}
