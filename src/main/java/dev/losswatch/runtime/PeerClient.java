package dev.losswatch.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.losswatch.events.EventJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Asks another instance of the same application for the local part of an answer (its {@code ?local=true}
 * form), passing on the bearer token. Any failure is a 503 naming the instance, so a merged answer is never
 * silently missing one instance's share.
 */
final class PeerClient {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final int BODY_EXCERPT = 300;

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .build();
    private final String token;

    /** @param token the bearer token every instance of the application expects; empty for none */
    PeerClient(String token) {
        this.token = token;
    }

    /** GETs {@code pathAndQuery} from {@code instance}; completes with its JSON body, or with an {@link HttpApiException}. */
    CompletableFuture<JsonNode> get(HostInfo instance, String pathAndQuery) {
        String where = address(instance);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + where + pathAndQuery))
                .timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json")
                .GET();
        if (!token.isEmpty()) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                .handle((response, failure) -> {
                    if (failure != null) {
                        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                                ? failure.getCause() : failure;
                        throw HttpApiException.unavailable("another instance did not answer",
                                "GET " + pathAndQuery + " on instance " + where + " failed: "
                                        + cause.getClass().getSimpleName() + ": " + cause.getMessage());
                    }
                    return body(response, where, pathAndQuery);
                });
    }

    private static JsonNode body(HttpResponse<String> response, String where, String pathAndQuery) {
        if (response.statusCode() != 200) {
            throw HttpApiException.unavailable("another instance could not answer",
                    "GET " + pathAndQuery + " on instance " + where + " answered HTTP " + response.statusCode()
                            + ": " + excerpt(response.body()));
        }
        try {
            return EventJson.MAPPER.readTree(response.body());
        } catch (JsonProcessingException e) {
            throw HttpApiException.unavailable("another instance answered something other than JSON",
                    "GET " + pathAndQuery + " on instance " + where + ": " + e.getOriginalMessage());
        }
    }

    /** host:port for a URL; an IPv6 literal needs brackets there. */
    static String address(HostInfo instance) {
        String host = instance.host();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + instance.port();
    }

    private static String excerpt(String body) {
        String oneLine = body == null ? "" : body.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= BODY_EXCERPT ? oneLine : oneLine.substring(0, BODY_EXCERPT) + "...";
    }
}
