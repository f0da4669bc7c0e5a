package dev.parley.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The local stack under test, as {@code deploy/local/parley up} started it: where its processes are (pid files in
 * the state folder), how to reach the hub nodes and the bridge, and the faults the chaos scenario injects (SIGKILL,
 * a graceful restart), healed by running {@code parley up} again, which starts whatever is not running.
 */
final class Stack {

    final Path repo;
    final Path state;
    final int portOffset;
    final int hubNodes;
    final int simulators;

    Stack(Path repo, Path state, int portOffset, int hubNodes, int simulators) {
        this.repo = repo;
        this.state = state;
        this.portOffset = portOffset;
        this.hubNodes = hubNodes;
        this.simulators = simulators;
    }

    /** Reads the layout from the environment the {@code run} script exports. */
    static Stack fromEnvironment() {
        Path repo = Path.of(System.getenv().getOrDefault("PARLEY_REPO", ".")).toAbsolutePath().normalize();
        return new Stack(repo, Path.of(require("PARLEY_STATE")), Integer.parseInt(require("PARLEY_PORT_OFFSET")),
                Integer.parseInt(System.getenv().getOrDefault("PARLEY_HUB_NODES", "1")),
                Integer.parseInt(System.getenv().getOrDefault("PARLEY_SIMULATOR_REPLICAS", "1")));
    }

    private static String require(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(name + " is not set: start the harness with deploy/loadtest/run");
        }
        return value;
    }

    String hubUrl(int node) {
        return "http://127.0.0.1:" + (8080 + 100 * (node - 1) + portOffset);
    }

    String simulatorUrl(int replica) {
        return "http://127.0.0.1:" + (8082 + 100 * (replica - 1) + portOffset);
    }

    String kafkaBootstrap() {
        return "127.0.0.1:" + (9092 + portOffset);
    }

    static String simulatorName(int replica) {
        return replica == 1 ? "simulator" : "simulator-" + replica;
    }

    /** A value from the stack's generated {@code secrets.env} (the admin token, for setting up bots). */
    String secret(String key) throws IOException {
        return Files.readAllLines(state.resolve("secrets.env")).stream()
                .filter(line -> line.startsWith(key + "="))
                .map(line -> line.substring(key.length() + 1))
                .findFirst().orElseThrow(() -> new IllegalStateException(key + " is not in secrets.env"));
    }

    /** Every component with a pid file, in the order the stack starts them. */
    List<String> components() {
        List<String> names = new ArrayList<>(List.of("redis", "kafka", "infinispan"));
        for (int i = 1; i <= simulators; i++) {
            names.add(simulatorName(i));
        }
        names.add("bridge");
        for (int i = 1; i <= hubNodes; i++) {
            names.add("hub-" + i);
        }
        return names;
    }

    /** The live pid of a component, if its pid file names a running process. */
    Optional<Long> pid(String component) {
        try {
            long pid = Long.parseLong(Files.readString(state.resolve("run").resolve(component + ".pid")).strip());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(ProcessHandle::pid);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** SIGKILL, as a crash or the OOM killer would: no shutdown hook runs. */
    void kill(String component) throws IOException, InterruptedException {
        long pid = pid(component).orElseThrow(() -> new IllegalStateException(component + " is not running"));
        signal("-KILL", pid);
        awaitExit(pid);
    }

    /** SIGTERM and wait for the process to be gone, as an orderly restart (a rolling update) would. */
    void stop(String component) throws IOException, InterruptedException {
        long pid = pid(component).orElseThrow(() -> new IllegalStateException(component + " is not running"));
        signal("-TERM", pid);
        awaitExit(pid);
    }

    /** {@code parley up}: starts what is not running and waits until each is healthy. */
    void heal() throws IOException, InterruptedException {
        Path log = state.resolve("loadtest-heal.out");
        Process up = new ProcessBuilder(repo.resolve("deploy/local/parley").toString(), "up")
                .directory(repo.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!up.waitFor(5, TimeUnit.MINUTES) || up.exitValue() != 0) {
            up.destroyForcibly();
            throw new IllegalStateException("`parley up` failed while healing the stack, see " + log);
        }
    }

    private static void signal(String signal, long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", signal, Long.toString(pid)).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill " + signal + " " + pid + " failed");
        }
    }

    private static void awaitExit(long pid) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("pid " + pid + " did not exit within 60 s");
            }
            Thread.sleep(50);
        }
    }
}
