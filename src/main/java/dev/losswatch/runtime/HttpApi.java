package dev.losswatch.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.losswatch.events.EventJson;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KafkaStreams.State;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * losswatch's HTTP server (the JDK's {@code com.sun.net.httpserver}): Prometheus metrics, health probes and the
 * query API, all GET, all answering JSON except {@code /metrics}. docs/http-api.md describes every endpoint.
 *
 * <p>With a token configured, every path but {@code /health*} needs {@code Authorization: Bearer <token>}; probes
 * stay open so that an orchestrator needs no credentials. Errors are {@code {"error": ..., "detail": ...}}.
 */
final class HttpApi implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);

    static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    static final String JSON_CONTENT_TYPE = "application/json";
    /** Says why an answer is emptier than asked for, e.g. /api/alerts on a topology without alerts. */

    /** Scrapes, probes and queries are short; a few threads keep a slow peer from blocking the probes. */
    private static final int THREADS = 4;
    private static final Pattern WINDOWS_PATH = Pattern.compile("/api/models/([^/]+)/windows");
    private static final String ENDPOINTS = "/metrics, /health, /health/live, /health/ready, /api/models, "
            + "/api/models/{modelId}/windows, /api/alerts";

    /** The probes: which Kafka Streams states each one reports as up. */
    enum Probe {
        /** Processing, or about to: what a container health check asks. */
        HEALTH(EnumSet.of(State.RUNNING, State.REBALANCING)),
        /** Not dead or dying: restart the process otherwise. */
        LIVE(EnumSet.of(State.CREATED, State.REBALANCING, State.RUNNING)),
        /** Processing with every task assigned: send queries. */
        READY(EnumSet.of(State.RUNNING));

        private final Set<State> upStates;

        Probe(Set<State> upStates) {
            this.upStates = upStates;
        }

        boolean isUp(State state) {
            return upStates.contains(state);
        }
    }

    private record Response(int status, String contentType, byte[] body, Map<String, String> headers) {
        static Response json(int status, JsonNode body) {
            return json(status, body, Map.of());
        }

        static Response json(int status, JsonNode body, Map<String, String> headers) {
            try {
                return new Response(status, JSON_CONTENT_TYPE, EventJson.MAPPER.writeValueAsBytes(body), headers);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("a JSON tree could not be written: " + e.getOriginalMessage(), e);
            }
        }

        static Response error(int status, String error, String detail, Map<String, String> headers) {
            ObjectNode body = EventJson.MAPPER.createObjectNode().put("error", error).put("detail", detail);
            return json(status, body, headers);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final byte[] token;
    private KafkaStreams streams;
    private PrometheusMeterRegistry meters;
    private InteractiveQueries queries;

    private HttpApi(HttpServer server, ExecutorService executor, String token) {
        this.server = server;
        this.executor = executor;
        this.token = token.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Binds the port, so that its number is known before Kafka Streams is configured with it; answers nothing
     * until {@link #start}.
     *
     * @param port   0 for a free port, see {@link #port()}
     * @param token  the bearer token requests must carry; empty for none
     * @throws IOException naming the address when it cannot be bound
     */
    static HttpApi bind(String host, int port, String token) throws IOException {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException("Cannot listen for HTTP on " + host + ":" + port + " (settings http.bind, http.port): "
                    + e.getMessage(), e);
        }
        AtomicInteger threads = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(THREADS, task -> {
            Thread thread = new Thread(task, "losswatch-http-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        return new HttpApi(server, executor, token);
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** Starts answering, from these sources. */
    void start(KafkaStreams kafkaStreams, PrometheusMeterRegistry meterRegistry, InteractiveQueries interactiveQueries) {
        this.streams = kafkaStreams;
        this.meters = meterRegistry;
        this.queries = interactiveQueries;
        server.createContext("/", this::handle);
        server.start();
        LOG.info("HTTP API listening on {}:{}{}", server.getAddress().getHostString(), port(),
                token.length == 0 ? "" : " (bearer token required except on /health)");
    }

    /**
     * Stops at once, cutting off requests still being answered: it is closed after Kafka Streams, when there is
     * nothing left to ask it, and the JDK's server would otherwise wait out any grace period in full.
     */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) {
        Response response;
        try {
            response = route(exchange);
        } catch (HttpApiException e) {
            response = Response.error(e.status(), e.error(), e.detail(), e.status() == 401
                    ? Map.of("WWW-Authenticate", "Bearer realm=\"losswatch\"") : Map.of());
        } catch (RuntimeException e) {
            LOG.error("HTTP {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
            response = Response.error(500, "internal error", e.getClass().getSimpleName() + ": " + e.getMessage(), Map.of());
        }
        try {
            send(exchange, response);
        } catch (IOException e) {
            LOG.debug("Could not answer HTTP {} {}: the client went away", exchange.getRequestMethod(),
                    exchange.getRequestURI(), e);
        } finally {
            exchange.close();
        }
    }

    private Response route(HttpExchange exchange) {
        String path = exchange.getRequestURI().getRawPath();
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (!exchange.getRequestMethod().equals("GET")) {
            return Response.error(405, "method not allowed", exchange.getRequestMethod() + " " + path
                    + ": every endpoint answers GET only", Map.of("Allow", "GET"));
        }
        switch (path) {
            case "/health":
                return health(Probe.HEALTH);
            case "/health/live":
                return health(Probe.LIVE);
            case "/health/ready":
                return health(Probe.READY);
            default:
                break;
        }
        authorize(exchange.getRequestHeaders().getFirst("Authorization"));
        if (path.equals("/metrics")) {
            return new Response(200, PROMETHEUS_CONTENT_TYPE, meters.scrape().getBytes(StandardCharsets.UTF_8), Map.of());
        }
        Map<String, String> parameters = parameters(exchange.getRequestURI().getRawQuery());
        switch (path) {
            case "/api/models":
                allowOnly(parameters, path, Set.of("local"));
                return Response.json(200, queries.models(localOnly(parameters)));
            case "/api/alerts":
                allowOnly(parameters, path, Set.of("local"));
                return Response.json(200, queries.alerts(localOnly(parameters)));
            default:
                break;
        }
        Matcher windows = WINDOWS_PATH.matcher(path);
        if (windows.matches()) {
            allowOnly(parameters, "/api/models/{modelId}/windows", Set.of("size", "from", "to", "local"));
            String modelId = decodePathSegment(windows.group(1));
            InteractiveQueries.WindowQuery query = queries.windowQuery(
                    parameters.get("size"), parameters.get("from"), parameters.get("to"));
            return Response.json(200, queries.windows(modelId, query, localOnly(parameters)));
        }
        throw new HttpApiException(404, "no such endpoint", "GET " + path + " is not an endpoint; there are " + ENDPOINTS);
    }

    private Response health(Probe probe) {
        State state = streams.state();
        boolean up = probe.isUp(state);
        ObjectNode body = EventJson.MAPPER.createObjectNode().put("status", up ? "UP" : "DOWN").put("state", state.name());
        return Response.json(up ? 200 : 503, body);
    }

    private void authorize(String authorization) {
        if (token.length == 0) {
            return;
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new HttpApiException(401, "unauthorized",
                    "this endpoint needs the header 'Authorization: Bearer <token>' with the token of setting http.token");
        }
        byte[] presented = authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        // compares in time independent of where the first difference is
        if (!MessageDigest.isEqual(presented, token)) {
            throw new HttpApiException(401, "unauthorized", "the bearer token is not the one of setting http.token");
        }
    }

    private static Map<String, String> parameters(String rawQuery) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return parameters;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = decodeQueryPart(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : decodeQueryPart(pair.substring(equals + 1));
            if (parameters.put(name, value) != null) {
                throw HttpApiException.badRequest("invalid query", "query parameter '" + name + "' is given more than once");
            }
        }
        return parameters;
    }

    private static void allowOnly(Map<String, String> parameters, String endpoint, Set<String> allowed) {
        for (String name : parameters.keySet()) {
            if (!allowed.contains(name)) {
                throw HttpApiException.badRequest("unknown query parameter",
                        "'" + name + "' is not a parameter of " + endpoint + "; it takes " + String.join(", ", allowed.stream().sorted().toList()));
            }
        }
    }

    private static boolean localOnly(Map<String, String> parameters) {
        String local = parameters.getOrDefault("local", "false");
        if (!local.equals("true") && !local.equals("false")) {
            throw HttpApiException.badRequest("invalid query parameter", "local='" + local + "' is not true or false");
        }
        return local.equals("true");
    }

    private static String decodeQueryPart(String raw) {
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw HttpApiException.badRequest("invalid query", "'" + raw + "' is not URL-encoded correctly: " + e.getMessage());
        }
    }

    /** In a path, '+' is a plus sign, not a space as in a query. */
    private static String decodePathSegment(String raw) {
        try {
            return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw HttpApiException.badRequest("invalid path", "'" + raw + "' is not URL-encoded correctly: " + e.getMessage());
        }
    }

    private static void send(HttpExchange exchange, Response response) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", response.contentType());
        response.headers().forEach(exchange.getResponseHeaders()::set);
        exchange.sendResponseHeaders(response.status(), response.body().length == 0 ? -1 : response.body().length);
        try (OutputStream body = exchange.getResponseBody()) {
            body.write(response.body());
        }
    }
}
