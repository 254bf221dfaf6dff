package dev.losswatch.events.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.losswatch.events.Prediction;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

class RestSchemaRegistryClientTest {
    private static final Schema SCHEMA = Prediction.getClassSchema();
    private static final String SCHEMA_FIELD = JsonNodeFactory.instance.textNode(SCHEMA.toString()).toString();
    private static final String SUBJECT_VERSION = "{\"subject\": \"predictions-value\", \"version\": 3, \"id\": 7, \"schema\": "
            + SCHEMA_FIELD + "}";

    private ScriptedHttpServer server;

    @BeforeEach
    void startServer() throws IOException {
        server = ScriptedHttpServer.http();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private RestSchemaRegistryClient client(Map<String, ?> extra) {
        Map<String, Object> settings = new HashMap<>(extra);
        settings.putIfAbsent(SchemaRegistryConfig.URL, server.url());
        return RestSchemaRegistryClient.create(new SchemaRegistryConfig(settings));
    }

    @Nested
    @DisplayName("requests and answers")
    class Protocol {
        @Test
        void registerPostsTheSchemaAsRegistryJsonAndReturnsTheId() throws IOException {
            server.reply("POST", "/subjects/predictions-value/versions", 200, "{\"id\": 7}");

            assertThat(client(Map.of()).register("predictions-value", SCHEMA)).isEqualTo(7);

            ScriptedHttpServer.Exchange request = server.exchanges().get(0);
            assertThat(request.header("Content-Type")).isEqualTo("application/vnd.schemaregistry.v1+json");
            assertThat(new ObjectMapper().readTree(request.body()).get("schema").asText()).isEqualTo(SCHEMA.toString());
        }

        @Test
        void subjectsAreEncodedAsOnePathSegment() {
            server.reply("POST", "/subjects/odd%20topic%2Fname-value/versions", 200, "{\"id\": 1}");

            assertThat(client(Map.of()).register("odd topic/name-value", SCHEMA)).isEqualTo(1);
        }

        @Test
        void schemaByIdParsesTheWriterSchema() {
            server.reply("GET", "/schemas/ids/7", 200, "{\"schema\": " + SCHEMA_FIELD + "}");

            assertThat(client(Map.of()).schemaById(7)).isEqualTo(SCHEMA);
        }

        @Test
        void lookupAndLatestVersionReturnSubjectVersionIdAndSchema() {
            server.reply("POST", "/subjects/predictions-value", 200, SUBJECT_VERSION);
            server.reply("GET", "/subjects/predictions-value/versions/latest", 200, SUBJECT_VERSION);
            RegisteredSchema expected = new RegisteredSchema("predictions-value", 3, 7, SCHEMA);

            assertThat(client(Map.of()).lookup("predictions-value", SCHEMA)).isEqualTo(expected);
            assertThat(client(Map.of()).latestVersion("predictions-value")).isEqualTo(expected);
        }

        @Test
        @DisplayName("compatibility reasons come from Confluent's verbose messages or Apicurio's reason")
        void compatibilityReadsConfluentMessagesAndApicurioReason() {
            String path = "/compatibility/subjects/%s/versions/latest?verbose=true";
            server.reply("POST", path.formatted("confluent-value"), 200,
                    "{\"is_compatible\": false, \"messages\": [\"reader field x has no default\"]}");
            server.reply("POST", path.formatted("apicurio-value"), 200,
                    "{\"is_compatible\": false, \"reason\": \"x at /fields/1\"}");
            server.reply("POST", path.formatted("fine-value"), 200, "{\"is_compatible\": true}");

            assertThat(client(Map.of()).testCompatibility("confluent-value", SCHEMA))
                    .isEqualTo(new CompatibilityResult(false, List.of("reader field x has no default")));
            assertThat(client(Map.of()).testCompatibility("apicurio-value", SCHEMA))
                    .isEqualTo(new CompatibilityResult(false, List.of("x at /fields/1")));
            assertThat(client(Map.of()).testCompatibility("fine-value", SCHEMA))
                    .isEqualTo(new CompatibilityResult(true, List.of()));
        }

        @Test
        void anErrorAnswerBecomesAnExceptionWithCodeMessageAndUrl() {
            server.reply("GET", "/schemas/ids/42", 404, "{\"error_code\": 40403, \"message\": \"Schema 42 not found\"}");

            assertThatThrownBy(() -> client(Map.of()).schemaById(42))
                    .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                        assertThat(e.errorCode()).isEqualTo(40403);
                        assertThat(e.url()).isEqualTo(server.url() + "/schemas/ids/42");
                    })
                    .hasMessage("schema registry error 40403 at " + server.url() + "/schemas/ids/42: Schema 42 not found");
        }

        @Test
        void anErrorWithoutRegistryJsonIsReportedByHttpStatus() {
            server.reply("GET", "/schemas/ids/42", 502, "<html><body>Bad Gateway</body></html>");

            assertThatThrownBy(() -> client(Map.of()).schemaById(42))
                    .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(502))
                    .hasMessageContaining("HTTP 502: <html><body>Bad Gateway</body></html>");
        }

        @Test
        void aSuccessfulAnswerLackingTheExpectedFieldIsReportedWithItsBody() {
            server.reply("POST", "/subjects/predictions-value/versions", 200, "{\"version\": 1}");

            assertThatThrownBy(() -> client(Map.of()).register("predictions-value", SCHEMA))
                    .isInstanceOf(SchemaRegistryException.class)
                    .hasMessageContaining("unexpected answer, no integer 'id': {\"version\":1}");
        }

        @Test
        void aProtobufSchemaIdIsUnusable() {
            server.reply("GET", "/schemas/ids/9", 200, "{\"schemaType\": \"PROTOBUF\", \"schema\": \"syntax = \\\"proto3\\\";\"}");

            assertThatThrownBy(() -> client(Map.of()).schemaById(9))
                    .isInstanceOf(UnusableSchemaException.class)
                    .hasMessage("schema id 9 at " + server.url() + "/schemas/ids/9 is not a usable Avro schema: it is a PROTOBUF schema");
        }
    }

    @Nested
    @DisplayName("basic authentication")
    class BasicAuthentication {
        @Test
        void userInfoCredentialsAreSentAsABasicAuthorizationHeader() {
            server.reply("GET", "/schemas/ids/7", 200, "{\"schema\": " + SCHEMA_FIELD + "}");
            RestSchemaRegistryClient client = client(Map.of(
                    SchemaRegistryConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO",
                    SchemaRegistryConfig.BASIC_AUTH_USER_INFO, "alice:s3cr3t"));

            client.schemaById(7);

            assertThat(server.exchanges().get(0).header("Authorization")).isEqualTo(basic("alice:s3cr3t"));
            assertThat(client.toString()).doesNotContain("s3cr3t");
        }

        @Test
        void credentialsInTheUrlAreSentAsAHeaderAndNeverPrinted() {
            String urlWithCredentials = server.url().replace("://", "://alice:s3cr3t@");
            RestSchemaRegistryClient client = client(Map.of(SchemaRegistryConfig.URL, urlWithCredentials));

            assertThatThrownBy(() -> client.schemaById(7))
                    .hasMessageContaining(server.url() + "/schemas/ids/7")
                    .hasMessageNotContaining("s3cr3t");
            assertThat(server.exchanges().get(0).header("Authorization")).isEqualTo(basic("alice:s3cr3t"));
            assertThat(client.toString()).doesNotContain("s3cr3t");
        }

        @Test
        void withoutCredentialsNoAuthorizationHeaderIsSent() {
            server.reply("GET", "/schemas/ids/7", 200, "{\"schema\": " + SCHEMA_FIELD + "}");

            client(Map.of()).schemaById(7);

            assertThat(server.exchanges().get(0).header("Authorization")).isNull();
        }

        @Test
        void userInfoAsTheSourceWithoutUserInfoIsAConfigurationError() {
            assertThatThrownBy(() -> client(Map.of(SchemaRegistryConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO")))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("basic.auth.credentials.source is USER_INFO but basic.auth.user.info is not set");
        }

        private String basic(String userInfo) {
            return "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Nested
    @DisplayName("several URLs and failures to connect")
    class Failover {
        @Test
        void aRegistryThatCannotBeReachedIsSkippedForTheNextUrl() throws IOException {
            server.reply("GET", "/schemas/ids/7", 200, "{\"schema\": " + SCHEMA_FIELD + "}");
            String urls = closedUrl() + "," + server.url();

            assertThat(client(Map.of(SchemaRegistryConfig.URL, urls)).schemaById(7)).isEqualTo(SCHEMA);
        }

        @Test
        void whenNoUrlAnswersTheErrorListsEveryAttempt() throws IOException {
            String first = closedUrl();
            String second = closedUrl();

            assertThatThrownBy(() -> client(Map.of(SchemaRegistryConfig.URL, first + "," + second)).schemaById(7))
                    .isInstanceOfSatisfying(SchemaRegistryException.class,
                            e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.UNREACHABLE))
                    .hasMessageContaining("schema registry unreachable: GET /schemas/ids/7 got no answer from any registry: ")
                    .hasMessageContaining(first + "/schemas/ids/7 (ConnectException")
                    .hasMessageContaining(second + "/schemas/ids/7 (ConnectException");
        }

        @Test
        void anAnswerSlowerThanTheReadTimeoutCountsAsNoAnswer() {
            server.replyAfter(Duration.ofSeconds(10), "GET", "/schemas/ids/7", 200, "{}");

            assertThatThrownBy(() -> client(Map.of(SchemaRegistryConfig.READ_TIMEOUT_MS, 500)).schemaById(7))
                    .isInstanceOfSatisfying(SchemaRegistryException.class,
                            e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.UNREACHABLE))
                    .hasMessageContaining("timed out");
        }

        @Test
        void anUrlThatIsNotHttpIsAConfigurationError() {
            assertThatThrownBy(() -> client(Map.of(SchemaRegistryConfig.URL, "ftp://registry:21")))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("schema.registry.url entry 1 must be http://host[:port][/path] or https://..., got scheme ftp");
        }

        private String closedUrl() throws IOException {
            try (ServerSocket socket = new ServerSocket(0)) {
                return "http://127.0.0.1:" + socket.getLocalPort();
            }
        }
    }

    @Nested
    @DisplayName("HTTPS")
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class Https {
        SelfSignedCertificate certificate;

        @BeforeAll
        void createCertificate(@TempDir Path directory) throws IOException, InterruptedException {
            certificate = SelfSignedCertificate.createIn(directory);
        }

        @Test
        void aRegistryWithACertificateFromTheConfiguredTrustStoreIsTrusted() throws Exception {
            try (ScriptedHttpServer https = ScriptedHttpServer.https(certificate.serverContext())) {
                https.reply("GET", "/schemas/ids/7", 200, "{\"schema\": " + SCHEMA_FIELD + "}");
                RestSchemaRegistryClient trusting = client(Map.of(
                        SchemaRegistryConfig.URL, https.url(),
                        SchemaRegistryConfig.TRUSTSTORE_LOCATION, certificate.trustStore().toString(),
                        SchemaRegistryConfig.TRUSTSTORE_PASSWORD, certificate.password(),
                        SchemaRegistryConfig.TRUSTSTORE_TYPE, "PKCS12"));
                RestSchemaRegistryClient withJdkDefaultTrust = client(Map.of(SchemaRegistryConfig.URL, https.url()));

                assertThat(trusting.schemaById(7)).isEqualTo(SCHEMA);
                assertThatThrownBy(() -> withJdkDefaultTrust.schemaById(7))
                        .isInstanceOf(SchemaRegistryException.class)
                        .hasMessageContaining("SSLHandshakeException");
            }
        }

        @Test
        void aTrustStoreThatCannotBeOpenedIsAConfigurationErrorThatKeepsThePasswordSecret() throws Exception {

            assertThatThrownBy(() -> client(Map.of(
                    SchemaRegistryConfig.TRUSTSTORE_LOCATION, certificate.trustStore().toString(),
                    SchemaRegistryConfig.TRUSTSTORE_PASSWORD, "wrong-pass-phrase")))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining(certificate.trustStore().toString())
                    .hasMessageContaining("cannot load the JKS trust store")
                    .hasMessageNotContaining("wrong-pass-phrase");
        }
    }
}
