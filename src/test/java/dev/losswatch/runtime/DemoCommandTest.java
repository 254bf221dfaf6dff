package dev.losswatch.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

@DisplayName("losswatch demo's options")
class DemoCommandTest {
    private final StringWriter err = new StringWriter();

    private int demo(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err));
        String[] command = new String[args.length + 1];
        command[0] = "demo";
        System.arraycopy(args, 0, command, 1, args.length);
        return cli.execute(command);
    }

    @Test
    @DisplayName("a rate that is not positive ends the command before anything starts, naming the rate")
    void rejectsANonPositiveRate() {
        assertThat(demo("--rate", "0")).isEqualTo(1);
        assertThat(err.toString()).contains("the rate must be a positive number of events per second, got 0.0");
    }

    @Test
    @DisplayName("an HTTP port out of range ends the command before anything starts, naming the port")
    void rejectsAnHttpPortOutOfRange() {
        assertThat(demo("--http-port", "70000")).isEqualTo(1);
        assertThat(err.toString()).contains("the HTTP port must be 0 (any free port) to 65535, got 70000");
    }
}
