package dev.losswatch.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.losswatch.window.WindowSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The HTTP API's routing, parameters, errors and token, against a real server on a free port in front of a real
 * (not yet started) Kafka Streams: everything here is decided before a store is read. Answers from running
 * stores are covered by RunCommandIT and ScaleOutIT.
 */
@DisplayName("The HTTP API")
class HttpApiTest {
    private static final String TOKEN = "s3cret-token";

    @TempDir
    Path stateDir;

    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private KafkaStreams streams;
    private HttpApi api;

    /** Serves a losswatch whose Kafka Streams is CREATED, with window sizes 1m and 5m. */
    private HttpTestClient serve(String token) throws IOException {
        WindowSettings windows = WindowSettings.defaults().withSizes(List.of(Duration.ofMinutes(1), Duration.ofMinutes(5)));
        OfflineTopology losswatch = OfflineTopology.of("http-api-test", windows, stateDir, meters);
        streams = new KafkaStreams(losswatch.topology(), losswatch.properties());
        api = HttpApi.bind("127.0.0.1", 0, token);
        api.start(streams, meters, new InteractiveQueries(streams, losswatch.topology().describe(),
                new HostInfo("127.0.0.1", api.port()), windows, new PeerClient(token),
                Clock.fixed(Instant.parse("2026-01-31T12:00:00Z"), ZoneOffset.UTC)));
        return new HttpTestClient(api.port());
    }

    @AfterEach
    void stop() {
        if (api != null) {
            api.close();
        }
        if (streams != null) {
            streams.close(Duration.ZERO);
        }
        meters.close();
    }

    private static void assertError(HttpResponse<String> response, int status, String error, String... detailParts) {
        assertThat(response.statusCode()).as("status of %s", response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue(HttpApi.JSON_CONTENT_TYPE);
        JsonNode body = HttpTestClient.json(response);
        assertThat(body.path("error").asText()).isEqualTo(error);
        if (detailParts.length > 0) {
            assertThat(body.path("detail").asText()).contains(detailParts);
        }
    }

    @Nested
    @DisplayName("health probes")
    class Health {
        @Test
        void reportTheKafkaStreamsStateWithAVerdictPerProbe() throws IOException {
            HttpTestClient client = serve("");

            HttpResponse<String> health = client.get("/health");
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(HttpTestClient.json(health).path("state").asText()).isEqualTo("CREATED");
            assertThat(HttpTestClient.json(health).path("status").asText()).isEqualTo("DOWN");
            assertThat(client.get("/health/live").statusCode()).isEqualTo(200);
            assertThat(HttpTestClient.json(client.get("/health/live")).path("status").asText()).isEqualTo("UP");
            assertThat(client.get("/health/ready").statusCode()).isEqualTo(503);
        }

        @ParameterizedTest(name = "{0}: health {1}, live {2}, ready {3}")
        @CsvSource({
                "CREATED,          false, true,  false",
                "REBALANCING,      true,  true,  false",
                "RUNNING,          true,  true,  true",
                "PENDING_SHUTDOWN, false, false, false",
                "NOT_RUNNING,      false, false, false",
                "PENDING_ERROR,    false, false, false",
                "ERROR,            false, false, false"})
        void judgeEachKafkaStreamsState(KafkaStreams.State state, boolean health, boolean live, boolean ready) {
            assertThat(HttpApi.Probe.HEALTH.isUp(state)).as("/health").isEqualTo(health);
            assertThat(HttpApi.Probe.LIVE.isUp(state)).as("/health/live").isEqualTo(live);
            assertThat(HttpApi.Probe.READY.isUp(state)).as("/health/ready").isEqualTo(ready);
        }
    }

    @Test
    void metricsAreThePrometheusTextOfTheRegistry() throws IOException {
        HttpTestClient client = serve("");
        Counter.builder("losswatch.test.requests").register(meters).increment(3);

        HttpResponse<String> metrics = client.get("/metrics");

        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(metrics.body()).contains("losswatch_test_requests_total 3.0");
    }

    @Nested
    @DisplayName("with a bearer token")
    class Token {
        @Test
        void refusesRequestsWithoutTheTokenAndSaysWhichHeaderIsNeeded() throws IOException {
            HttpTestClient client = serve(TOKEN);

            for (String path : List.of("/metrics", "/api/models", "/api/alerts", "/api/models/churn/windows", "/nowhere")) {
                HttpResponse<String> response = client.get(path);
                assertError(response, 401, "unauthorized", "Authorization: Bearer <token>", "http.token");
                assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"losswatch\"");
            }
        }

        @Test
        void refusesAWrongToken() throws IOException {
            HttpTestClient client = serve(TOKEN).withToken("s3cret-tokeN");

            assertError(client.get("/metrics"), 401, "unauthorized", "not the one of setting http.token");
        }

        @Test
        void answersWithTheToken() throws IOException {
            HttpTestClient client = serve(TOKEN).withToken(TOKEN);

            assertThat(client.get("/metrics").statusCode()).isEqualTo(200);
            // past the token check: the stores answer 503 only because these streams are not running
            assertThat(client.get("/api/alerts").statusCode()).isEqualTo(503);
        }

        @Test
        void leavesTheHealthProbesOpen() throws IOException {
            HttpTestClient client = serve(TOKEN);

            assertThat(client.get("/health").statusCode()).isEqualTo(503);
            assertThat(client.get("/health/live").statusCode()).isEqualTo(200);
            assertThat(client.get("/health/ready").statusCode()).isEqualTo(503);
        }
    }

    @Nested
    @DisplayName("routing")
    class Routing {
        @Test
        void anUnknownPathIsA404ListingTheEndpoints() throws IOException {
            HttpTestClient client = serve("");

            assertError(client.get("/api/model"), 404, "no such endpoint", "GET /api/model", "/api/models/{modelId}/windows");
            assertError(client.get("/api/models/churn/windows/extra"), 404, "no such endpoint");
        }

        @Test
        void onlyGetIsAnswered() throws IOException {
            HttpTestClient client = serve("");

            HttpResponse<String> response = client.send("POST", "/api/models");

            assertError(response, 405, "method not allowed", "POST /api/models", "GET only");
            assertThat(response.headers().firstValue("Allow")).hasValue("GET");
        }

        @Test
        void aTrailingSlashNamesTheSameEndpoint() throws IOException {
            HttpTestClient client = serve("");

            assertThat(client.get("/metrics/").statusCode()).isEqualTo(200);
        }
    }

    @Nested
    @DisplayName("queries")
    class Queries {
        @Test
        void areRefusedWith503UntilKafkaStreamsRuns() throws IOException {
            HttpTestClient client = serve("");

            assertError(client.get("/api/models"), 503, "stores not queryable", "Kafka Streams is CREATED", "/health");
            assertError(client.get("/api/models/churn/windows?size=5m"), 503, "stores not queryable", "CREATED");
        }

        @Test
        void alertsAreUnavailableNotEmptyWhileStreamsAreNotRunning() throws IOException {
            HttpResponse<String> response = serve("").get("/api/alerts");

            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(HttpTestClient.json(response).path("error").asText()).isNotEmpty();
        }

        @Test
        void aWindowSizeThatIsNotADurationIsA400() throws IOException {
            assertError(serve("").get("/api/models/churn/windows?size=7x"), 400, "invalid query parameter",
                    "size='7x'", "not a duration");
        }

        @Test
        void aWindowSizeThatIsNotConfiguredIsA400ListingTheConfiguredOnes() throws IOException {
            assertError(serve("").get("/api/models/churn/windows?size=1h"), 400, "unknown window size",
                    "size='1h'", "window.sizes: 1m, 5m");
        }

        @Test
        void aTimeThatIsNeitherEpochMillisNorIsoIsA400() throws IOException {
            assertError(serve("").get("/api/models/churn/windows?from=yesterday"), 400, "invalid query parameter",
                    "from='yesterday'", "epoch milliseconds", "ISO-8601");
        }

        @Test
        void anEmptyTimeRangeIsA400() throws IOException {
            assertError(serve("").get("/api/models/churn/windows?from=2000&to=1000"), 400, "empty time range",
                    "from (1970-01-01T00:00:02Z) must be before to (1970-01-01T00:00:01Z)");
        }

        @Test
        void anUnknownParameterIsA400ListingTheParametersOfTheEndpoint() throws IOException {
            HttpTestClient client = serve("");

            assertError(client.get("/api/models/churn/windows?sise=1m"), 400, "unknown query parameter",
                    "'sise'", "from, local, size, to");
            assertError(client.get("/api/models?size=1m"), 400, "unknown query parameter", "'size'", "takes local");
        }

        @Test
        void aParameterGivenTwiceIsA400() throws IOException {
            assertError(serve("").get("/api/models/churn/windows?size=1m&size=5m"), 400, "invalid query",
                    "'size' is given more than once");
        }

        @Test
        void localMustBeTrueOrFalse() throws IOException {
            assertError(serve("").get("/api/models?local=maybe"), 400, "invalid query parameter",
                    "local='maybe' is not true or false");
        }
    }
}
