package dev.parley.loadtest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The hub's admin API, as a platform admin uses it to register the harness's bots before a run. */
final class AdminApi {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String hubUrl;
    private final String token;

    AdminApi(String hubUrl, String token) {
        this.hubUrl = hubUrl;
        this.token = token;
    }

    String post(String path, String json) throws IOException, InterruptedException {
        return call("POST", path, json);
    }

    String get(String path) throws IOException, InterruptedException {
        return call("GET", path, null);
    }

    private String call(String method, String path, String json) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(hubUrl + "/admin" + path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json");
        request.method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " /admin" + path + " → " + response.statusCode() + ": "
                    + response.body());
        }
        return response.body();
    }
}
