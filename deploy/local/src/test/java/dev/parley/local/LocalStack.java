package dev.parley.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The whole Parley stack started once for all end-to-end tests, by {@code deploy/local/parley up} itself: Redis,
 * Kafka, Infinispan, the simulator (zero latency), the bridge and two hub nodes, on ports shifted by
 * {@link #PORT_OFFSET} and with a state folder under {@code target/}, so it never touches a developer's stack.
 * Stopped with {@code parley down} when the test run ends.
 */
public final class LocalStack implements BeforeAllCallback, ExtensionContext.Store.CloseableResource, AutoCloseable {

    public static final int PORT_OFFSET = 1000;
    public static final Path REPO = Path.of("../..").toAbsolutePath().normalize();
    private static final Path SCRIPT = REPO.resolve("deploy/local/parley");
    private static final Path STATE = REPO.resolve("deploy/local/target/e2e-stack");

    public static String hubUrl(int node) {
        return "http://127.0.0.1:" + (8080 + 100 * (node - 1) + PORT_OFFSET);
    }

    public static String hubWsUrl(int node) {
        return hubUrl(node).replace("http://", "ws://");
    }

    public static String simulatorUrl() {
        return "http://127.0.0.1:" + (8082 + PORT_OFFSET);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(LocalStack.class, key -> {
                    run("up");
                    return this;
                }, LocalStack.class);
    }

    @Override
    public void close() throws Exception {
        run("down");
    }

    /** Stops every process of the stack and starts it again: Infinispan, Kafka, Redis, bridge and hubs. */
    public static void restart() {
        run("down");
        run("up");
    }

    /** Brings back whatever is not running (the same {@code parley up}: idempotent). */
    public static void up() {
        run("up");
    }

    /** Kills a component the hard way (SIGKILL), as a crash or an OOM kill would: no shutdown hooks run. */
    public static void kill(String component) throws IOException, InterruptedException {
        String pid = Files.readString(STATE.resolve("run").resolve(component + ".pid")).strip();
        Process kill = new ProcessBuilder("kill", "-9", pid).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("could not kill " + component + " (pid " + pid + ")");
        }
    }

    /** A value from the stack's generated {@code secrets.env}. */
    public static String secret(String key) throws IOException {
        return Files.readAllLines(STATE.resolve("secrets.env")).stream()
                .filter(line -> line.startsWith(key + "="))
                .map(line -> line.substring(key.length() + 1))
                .findFirst().orElseThrow(() -> new IllegalStateException(key + " is not in secrets.env"));
    }

    /** Every log file the stack's processes wrote. */
    public static List<Path> logFiles() throws IOException {
        try (var files = Files.list(STATE.resolve("logs"))) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    private static void run(String command) {
        try {
            Files.createDirectories(STATE);
            Path log = STATE.resolve("parley-" + command + ".out");
            ProcessBuilder builder = new ProcessBuilder(List.of(SCRIPT.toString(), command))
                    .directory(REPO.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
            Map<String, String> env = builder.environment();
            env.put("PARLEY_STATE", STATE.toString());
            env.put("PARLEY_PORT_OFFSET", Integer.toString(PORT_OFFSET));
            env.put("PARLEY_HUB_NODES", "2");
            env.put("PARLEY_SIMULATOR_TIME_TO_FIRST_TOKEN", "0s");
            env.put("PARLEY_SIMULATOR_TOKENS_PER_SECOND", "0");
            env.put("PARLEY_SIMULATOR_PREFILL_TOKENS_PER_SECOND", "0");
            Process process = builder.start();
            if (!process.waitFor(6, TimeUnit.MINUTES) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("`parley " + command + "` failed:\n" + Files.readString(log));
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + SCRIPT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
