package dev.parley.loadtest;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.OptionalDouble;

/** Reads one metric from a Prometheus text page (the hub's, the bridge's, the simulator's {@code /metrics}). */
final class PrometheusScrape {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private PrometheusScrape() {
    }

    /** The sum of every series of {@code name} whose labels contain {@code labelFilter} (empty: all series). */
    static OptionalDouble sum(String url, String name, String labelFilter) {
        try {
            HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            if (page.statusCode() != 200) {
                return OptionalDouble.empty();
            }
            double sum = 0;
            boolean found = false;
            for (String line : page.body().split("\n")) {
                if (line.startsWith(name) && (line.length() > name.length())
                        && (line.charAt(name.length()) == '{' || line.charAt(name.length()) == ' ')
                        && line.contains(labelFilter)) {
                    String value = line.substring(line.lastIndexOf(' ') + 1);
                    double v = Double.parseDouble(value);
                    if (!Double.isNaN(v)) {
                        sum += v;
                        found = true;
                    }
                }
            }
            return found ? OptionalDouble.of(sum) : OptionalDouble.empty();
        } catch (Exception e) {
            return OptionalDouble.empty();
        }
    }
}
