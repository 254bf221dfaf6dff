package dev.losswatch.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.losswatch.events.EventJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;

/** GETs from a losswatch HTTP API on 127.0.0.1, optionally with a bearer token; every wait is bounded. */
final class HttpTestClient {
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final int port;
    private final String token;

    HttpTestClient(int port) {
        this(port, null);
    }

    HttpTestClient(int port, String token) {
        this.port = port;
        this.token = token;
    }

    HttpTestClient withToken(String newToken) {
        return new HttpTestClient(port, newToken);
    }

    HttpResponse<String> get(String pathAndQuery) {
        return send("GET", pathAndQuery);
    }

    HttpResponse<String> send(String method, String pathAndQuery) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .timeout(REQUEST_TIMEOUT)
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + pathAndQuery + " on port " + port + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted during " + method + " " + pathAndQuery, e);
        }
    }

    /** GETs {@code pathAndQuery}, requiring 200, and parses the body as JSON. */
    JsonNode getJson(String pathAndQuery) {
        HttpResponse<String> response = get(pathAndQuery);
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + pathAndQuery + " on port " + port + " answered " + response.statusCode()
                    + ": " + response.body());
        }
        return json(response);
    }

    static JsonNode json(HttpResponse<String> response) {
        return parse(response.body());
    }

    static JsonNode parse(String json) {
        try {
            return EventJson.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    /**
     * Polls {@code pathAndQuery} until {@code accepted} holds for an answer, which it returns. Until the server
     * listens, a refused connection counts as one more answer that is not yet the one expected.
     */
    HttpResponse<String> await(String pathAndQuery, Duration wait, String expectation, Predicate<HttpResponse<String>> accepted) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            String last;
            try {
                HttpResponse<String> response = get(pathAndQuery);
                if (accepted.test(response)) {
                    return response;
                }
                last = response.statusCode() + ": " + response.body();
            } catch (UncheckedIOException notListening) {
                last = notListening.getMessage();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Waited " + wait + " for GET " + pathAndQuery + " on port " + port + " to give "
                        + expectation + "; last answer " + last);
            }
            try {
                Thread.sleep(POLL_INTERVAL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted while polling " + pathAndQuery, e);
            }
        }
    }

    /** Polls {@code /health/ready} until it answers 200. */
    void awaitReady(Duration wait) {
        await("/health/ready", wait, "200 (Kafka Streams RUNNING)", response -> response.statusCode() == 200);
    }
}
