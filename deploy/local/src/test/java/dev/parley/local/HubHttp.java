package dev.parley.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

/** What the platform end-to-end tests ask of the stack's hub nodes over HTTP, and how they wait for it. */
final class HubHttp {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private HubHttp() {
    }

    /** One JSON request; {@code headers} as name, value, name, value … */
    static HttpResponse<String> call(String method, String url, String body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** An admin API call on node 1 with the stack's generated admin token. */
    static HttpResponse<String> admin(String method, String path, String body) throws IOException,
            InterruptedException {
        return call(method, LocalStack.hubUrl(1) + "/admin" + path, body,
                "Authorization", "Bearer " + LocalStack.secret("PARLEY_ADMIN_TOKEN"));
    }

    /** Whether a node listens for the bot (holds its lease), from its Prometheus metrics; false when it is down. */
    static boolean listensFor(int node, String botId) {
        Pattern held = Pattern.compile("(?m)^parley_listener_held\\{[^}]*bot=\"" + Pattern.quote(botId)
                + "\"[^}]*} 1\\.0");
        try {
            return held.matcher(call("GET", LocalStack.hubUrl(node) + "/q/metrics", null).body()).find();
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static void await(BooleanSupplier condition, Duration atMost, String what) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + atMost + ": " + what);
            }
            Thread.sleep(100);
        }
    }
}
