package dev.losswatch.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.losswatch.events.EventSerdes;
import dev.losswatch.testing.KafkaBrokerExtension;
import dev.losswatch.testing.KafkaTestClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

@ExtendWith(KafkaBrokerExtension.class)
class GenerateCommandIT {
    @Test
    void generateProducesDecodablePredictionsAndLabelsForItsDuration(EmbeddedKafka broker, KafkaTestClient client) {
        broker.createTopics(4, "predictions", "labels");
        String registry = "mock://generate-it";
        StringWriter out = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));

        int exit = cli.execute("generate", "--bootstrap-servers", broker.bootstrapServers(),
                "--schema-registry-url", registry, "--rate", "100", "--duration", "4s");

        assertThat(exit).as(out.toString()).isZero();
        assertThat(out.toString()).contains("generating 100 predictions/s").contains("sent: Counts[predictions=");
        EventSerdes serdes = new EventSerdes(Map.of("schema.registry.url", registry));
        List<String> models = new ArrayList<>();
        for (var record : client.awaitRecords("predictions", 100, new StringDeserializer(), new ByteArrayDeserializer(),
                Duration.ofSeconds(30))) {
            try {
                models.add(serdes.prediction().deserializer().deserialize("predictions", record.value()).getModelId());
            } catch (RuntimeException deliberateGarbage) {
                // the generator mixes in a little garbage on purpose: losswatch must dead-letter it
            }
        }
        assertThat(models).hasSizeGreaterThan(90).contains("churn", "fraud", "tags");
        assertThat(client.awaitRecords("labels", 50, new StringDeserializer(), new ByteArrayDeserializer(),
                Duration.ofSeconds(30))).hasSizeGreaterThanOrEqualTo(50);
    }

    @Test
    void aRateThatIsNotPositiveIsAUsageError() {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err));

        assertThat(cli.execute("generate", "--schema-registry-url", "mock://x", "--rate", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("the rate must be a positive number of events per second, got 0.0");
    }
}
