package dev.losswatch.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code examples/losswatch.properties} lists every {@link Setting} with its description and default, as this
 * test renders them from the enum. Regenerate it with
 * {@code mvn test -Dtest=ExamplePropertiesTest -Dlosswatch.docs.update=true}.
 */
@DisplayName("examples/losswatch.properties")
class ExamplePropertiesTest {
    private static final Path EXAMPLE = Path.of("examples/losswatch.properties");
    private static final String REGENERATE = "regenerate with -Dlosswatch.docs.update=true";
    private static final int WIDTH = 110;

    @Test
    void listsEverySettingWithItsDefaultAndDescriptionAsTheEnumSays() throws IOException {
        String expected = render();
        if (Boolean.getBoolean("losswatch.docs.update")) {
            Files.writeString(EXAMPLE, expected, StandardCharsets.UTF_8);
        }
        String actual = Files.exists(EXAMPLE) ? Files.readString(EXAMPLE, StandardCharsets.UTF_8) : "";

        List<String> wrongOrMissing = new ArrayList<>();
        List<String> lines = actual.lines().toList();
        for (Setting setting : Setting.values()) {
            if (!lines.contains(settingLine(setting))) {
                wrongOrMissing.add(settingLine(setting));
            }
        }
        assertThat(wrongOrMissing)
                .as("settings missing from %s or with another default there; %s", EXAMPLE, REGENERATE)
                .isEmpty();
        assertThat(actual).as("%s differs from the rendering of Setting (descriptions?); %s", EXAMPLE, REGENERATE)
                .isEqualTo(expected);
    }

    private static String render() {
        StringBuilder text = new StringBuilder()
                .append("# losswatch configuration: every setting, with its default, commented out. Uncomment a line to change it.\n")
                .append("#   java -jar target/losswatch.jar run --config examples/losswatch.properties [--create-topics]\n")
                .append("# A LOSSWATCH_* environment variable overrides the file (join.horizon <-> LOSSWATCH_JOIN_HORIZON).\n")
                .append("# Any other key (sasl.jaas.config, ssl.truststore.location, ...) passes to Kafka Streams and its clients;\n")
                .append("# schema.registry.* and basic.auth.* keys go to the schema registry client.\n")
                .append("# Rendered from src/main/java/dev/losswatch/runtime/Setting.java by ExamplePropertiesTest;\n")
                .append("# docs/configuration.md lists the same settings as a table.\n");
        for (Setting setting : Setting.values()) {
            text.append('\n');
            for (String line : wrap(setting.description() + " (" + setting.environmentVariable() + ")")) {
                text.append("# ").append(line).append('\n');
            }
            text.append(settingLine(setting)).append('\n');
        }
        return text.toString();
    }

    private static String settingLine(Setting setting) {
        return "#" + setting.key() + "=" + setting.defaultValue();
    }

    private static List<String> wrap(String text) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > WIDTH - 2) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(word);
        }
        lines.add(line.toString());
        return lines;
    }
}
