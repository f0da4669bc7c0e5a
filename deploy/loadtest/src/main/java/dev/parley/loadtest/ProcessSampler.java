package dev.parley.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * CPU and resident memory of every process of the stack (and of the harness itself), read from {@code /proc} once a
 * second. Pids are looked up again at every sample, so a component restarted by the chaos scenario is followed.
 */
final class ProcessSampler implements AutoCloseable {

    /** One process at one second: CPU in percent of one core since the previous sample, RSS in MiB. */
    record Sample(double atSeconds, double cpuPercent, double rssMiB) {
    }

    private static final double TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux this runs on
    static final String HARNESS = "loadtest-harness";

    private final Stack stack;
    private final long startNanos;
    private final Map<String, List<Sample>> samples = new LinkedHashMap<>();
    private final Map<String, long[]> previous = new LinkedHashMap<>(); // component → {pid, ticks, nanos}
    private final Thread thread;
    private volatile boolean running = true;

    ProcessSampler(Stack stack, long startNanos) {
        this.stack = stack;
        this.startNanos = startNanos;
        this.thread = Thread.ofPlatform().daemon().name("process-sampler").start(this::loop);
    }

    private void loop() {
        while (running) {
            sampleOnce();
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private synchronized void sampleOnce() {
        long now = System.nanoTime();
        List<String> names = new ArrayList<>(stack.components());
        names.add(HARNESS);
        for (String name : names) {
            Optional<Long> pid = name.equals(HARNESS) ? Optional.of(ProcessHandle.current().pid()) : stack.pid(name);
            if (pid.isEmpty()) {
                previous.remove(name);
                continue;
            }
            try {
                long ticks = cpuTicks(pid.get());
                double rss = rssMiB(pid.get());
                long[] before = previous.put(name, new long[] {pid.get(), ticks, now});
                if (before != null && before[0] == pid.get()) {
                    double seconds = (now - before[2]) / 1e9;
                    double cpu = 100.0 * (ticks - before[1]) / TICKS_PER_SECOND / seconds;
                    samples.computeIfAbsent(name, k -> new ArrayList<>())
                            .add(new Sample((now - startNanos) / 1e9, cpu, rss));
                }
            } catch (IOException | RuntimeException e) {
                previous.remove(name); // exited between the pid lookup and the read
            }
        }
    }

    /** utime + stime of a process, fields 14 and 15 of /proc/PID/stat (after the parenthesised name). */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private static double rssMiB(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        return 0;
    }

    synchronized Map<String, List<Sample>> samples() {
        Map<String, List<Sample>> copy = new LinkedHashMap<>();
        samples.forEach((name, list) -> copy.put(name, List.copyOf(list)));
        return copy;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
