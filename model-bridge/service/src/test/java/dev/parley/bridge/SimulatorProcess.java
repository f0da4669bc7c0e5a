package dev.parley.bridge;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Runs the real model simulator (the module built just before this one) as its own process for the bridge's
 * tests, at zero latency, and points the bridge at it.
 */
public class SimulatorProcess implements QuarkusTestResourceLifecycleManager {

    private static final Path JAR = Path.of("../simulator/target/quarkus-app/quarkus-run.jar");
    private static String baseUrl;
    private Process process;

    /** {@code http://127.0.0.1:PORT} of the running simulator. */
    public static String baseUrl() {
        return baseUrl;
    }

    @Override
    public Map<String, String> start() {
        if (!Files.exists(JAR)) {
            throw new IllegalStateException(JAR.toAbsolutePath() + " is missing: build model-bridge/simulator first "
                    + "(./mvnw -pl model-bridge/simulator package)");
        }
        int port = freePort();
        String java = ProcessHandle.current().info().command().orElse("java");
        try {
            File log = Files.createDirectories(Path.of("target")).resolve("simulator.log").toFile();
            ProcessBuilder builder = new ProcessBuilder(java, "-Xmx128m", "-jar", JAR.toString())
                    .redirectErrorStream(true).redirectOutput(log);
            builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
            builder.environment().put("PARLEY_SIMULATOR_TIME_TO_FIRST_TOKEN", "0s");
            builder.environment().put("PARLEY_SIMULATOR_TOKENS_PER_SECOND", "0");
            builder.environment().put("PARLEY_SIMULATOR_PREFILL_TOKENS_PER_SECOND", "0");
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("could not start the simulator", e);
        }
        baseUrl = "http://127.0.0.1:" + port;
        awaitHealthy();
        return Map.of("parley.model.base-url", baseUrl + "/v1", "quarkus.rest-client.model.url", baseUrl + "/v1");
    }

    private void awaitHealthy() {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the simulator exited; see target/simulator.log");
            }
            try {
                HttpResponse<Void> health = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/health")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (health.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("the simulator did not become healthy in 60 s; see target/simulator.log");
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        if (process != null) {
            process.destroy();
        }
    }
}
