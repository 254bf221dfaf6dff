package dev.losswatch.events.registry;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.types.Password;

/**
 * Registry settings, under the names Confluent's serdes use so that existing client configuration
 * carries over. Secrets are {@link Type#PASSWORD}: Kafka prints them as {@code [hidden]}.
 */
public final class SchemaRegistryConfig extends AbstractConfig {
    public static final String URL = "schema.registry.url";
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    public static final String TRUSTSTORE_LOCATION = "schema.registry.ssl.truststore.location";
    public static final String TRUSTSTORE_PASSWORD = "schema.registry.ssl.truststore.password";
    public static final String TRUSTSTORE_TYPE = "schema.registry.ssl.truststore.type";
    // our own names, under the prefix that the application's configuration routes to the registry client
    public static final String CONNECT_TIMEOUT_MS = "schema.registry.connect.timeout.ms";
    public static final String READ_TIMEOUT_MS = "schema.registry.read.timeout.ms";

    /** Credentials come from the user info of each URL ({@code https://user:pass@host}). */
    public static final String SOURCE_URL = "URL";
    /** Credentials come from {@value #BASIC_AUTH_USER_INFO} ({@code user:pass}), for every URL. */
    public static final String SOURCE_USER_INFO = "USER_INFO";

    private static final ConfigDef DEFINITION = new ConfigDef()
            // not required here: a serde handed its client needs only the serde settings
            .define(URL, Type.LIST, List.of(), Importance.HIGH,
                    "Comma-separated registry URLs, tried in turn when one cannot be reached; or mock://<scope> "
                            + "for an in-process registry shared by everything in this JVM that names the same scope.")
            .define(BASIC_AUTH_CREDENTIALS_SOURCE, Type.STRING, SOURCE_URL,
                    ConfigDef.ValidString.in(SOURCE_URL, SOURCE_USER_INFO), Importance.MEDIUM,
                    "Where HTTP basic-auth credentials come from: URL (user info in the URL) or USER_INFO.")
            .define(BASIC_AUTH_USER_INFO, Type.PASSWORD, null, Importance.MEDIUM,
                    "user:password for HTTP basic auth when the credentials source is USER_INFO.")
            .define(AUTO_REGISTER_SCHEMAS, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Serializers register their schema; when false they only look up its id and fail if absent.")
            .define(TRUSTSTORE_LOCATION, Type.STRING, null, Importance.LOW,
                    "Trust store for an HTTPS registry; the JDK's default trust is used when unset.")
            .define(TRUSTSTORE_PASSWORD, Type.PASSWORD, null, Importance.LOW, "Password of the trust store.")
            .define(TRUSTSTORE_TYPE, Type.STRING, "JKS", Importance.LOW,
                    "Trust store type (JKS also reads PKCS12 on Java 17).")
            .define(CONNECT_TIMEOUT_MS, Type.INT, 10_000, ConfigDef.Range.atLeast(1), Importance.LOW,
                    "Time to open a connection to one registry URL before trying the next.")
            .define(READ_TIMEOUT_MS, Type.INT, 30_000, ConfigDef.Range.atLeast(1), Importance.LOW,
                    "Time to wait for the registry's answer to one request.");

    public SchemaRegistryConfig(Map<String, ?> settings) {
        super(DEFINITION, settings, false);
    }

    public List<String> urls() {
        return getList(URL);
    }

    public boolean userInfoIsCredentialSource() {
        return SOURCE_USER_INFO.equals(getString(BASIC_AUTH_CREDENTIALS_SOURCE));
    }

    public Optional<Password> userInfo() {
        return Optional.ofNullable(getPassword(BASIC_AUTH_USER_INFO));
    }

    public boolean autoRegisterSchemas() {
        return getBoolean(AUTO_REGISTER_SCHEMAS);
    }

    public Optional<String> truststoreLocation() {
        return Optional.ofNullable(getString(TRUSTSTORE_LOCATION));
    }

    public Optional<Password> truststorePassword() {
        return Optional.ofNullable(getPassword(TRUSTSTORE_PASSWORD));
    }

    public String truststoreType() {
        return getString(TRUSTSTORE_TYPE);
    }

    public Duration connectTimeout() {
        return Duration.ofMillis(getInt(CONNECT_TIMEOUT_MS));
    }

    public Duration readTimeout() {
        return Duration.ofMillis(getInt(READ_TIMEOUT_MS));
    }
}
