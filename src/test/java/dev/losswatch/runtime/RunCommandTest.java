package dev.losswatch.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code losswatch run} failing before it needs a broker: each failure is exit code 1 and one message, no stack trace. */
@DisplayName("losswatch run, failing fast")
class RunCommandTest {
    @TempDir
    Path dir;

    private record Outcome(int exitCode, String err) {
    }

    private Outcome run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err));
        int exitCode = cli.execute(args);
        return new Outcome(exitCode, err.toString());
    }

    private Path config(String text) throws IOException {
        return Files.writeString(dir.resolve("losswatch.properties"), text);
    }

    @Test
    void aMissingConfigurationFileIsNamed() {
        Path missing = dir.resolve("absent.properties");

        Outcome outcome = run("run", "--config", missing.toString());

        assertThat(outcome.exitCode()).isEqualTo(1);
        assertThat(outcome.err()).contains("Cannot read the configuration file " + missing + " (--config)", "NoSuchFileException")
                .doesNotContain("\tat ");
    }

    @Test
    void anInvalidSettingIsNamedWithItsValue() throws IOException {
        Outcome outcome = run("run", "--config", config("window.sizes=1m,fortnight\n").toString());

        assertThat(outcome.exitCode()).isEqualTo(1);
        assertThat(outcome.err()).contains("window.sizes", "'fortnight'", "is not a duration").doesNotContain("\tat ");
    }

    @Test
    void unreachableBrokersAreNamedAfterThePreflightTimeout() throws IOException {
        String nobody = "127.0.0.1:" + EmbeddedKafka.freeLoopbackPorts(1).get(0);

        Outcome outcome = run("run", "--config",
                config("bootstrap.servers=" + nobody + "\nschema.registry.url=mock://run-command-test\n").toString(),
                "--preflight-timeout", "1s");

        assertThat(outcome.exitCode()).isEqualTo(1);
        assertThat(outcome.err()).contains("bootstrap.servers=" + nobody, "not reachable").doesNotContain("\tat ");
    }

    @Test
    void withoutASchemaRegistryItSaysWhichSettingNamesIt() throws IOException {
        Outcome outcome = run("run", "--config", config("application.id=no-registry\n").toString());

        assertThat(outcome.exitCode()).isEqualTo(1);
        assertThat(outcome.err()).contains("schema.registry.url is not set", "mock://<scope>").doesNotContain("\tat ");
    }

    @Test
    void aPreflightTimeoutThatIsNotADurationIsAUsageError() {
        Outcome outcome = run("run", "--preflight-timeout", "soon");

        assertThat(outcome.exitCode()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(outcome.err()).contains("--preflight-timeout", "'soon' is not a duration");
    }
}
