package dev.parley.simulator.fault;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.configuration.DurationConverter;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@link FaultSettings} as the JSON of {@code /simulator/faults}: field names in camel case, durations as text
 * in the configuration's syntax ({@code "30s"}, {@code "250ms"}, {@code "PT1M"}), null for "forever" / "never".
 */
final class FaultSettingsJson {

    /** The settings as written out; durations in ISO-8601, which the reader accepts back. */
    record View(double errorRate, int errorAfterTokens, double stallRate, int stallAfterTokens, String stallFor,
                double rateLimitRate, int crashAtRequest, String crashAfter, long seed) {

        static View of(FaultSettings settings) {
            return new View(settings.errorRate(), settings.errorAfterTokens(), settings.stallRate(), settings.stallAfterTokens(),
                    settings.stallFor().map(Duration::toString).orElse(null), settings.rateLimitRate(), settings.crashAtRequest(),
                    settings.crashAfter().map(Duration::toString).orElse(null), settings.seed());
        }
    }

    /** Either the merged settings or what is wrong with the request, in words an operator can act on. */
    sealed interface Result {
    }

    record Valid(FaultSettings settings) implements Result {
    }

    record Invalid(String reason) implements Result {
    }

    private FaultSettingsJson() {
    }

    /** {@code current} with every field {@code body} names replaced; fields it leaves out keep their value. */
    static Result merge(FaultSettings current, JsonNode body) {
        if (body == null || !body.isObject()) {
            return new Invalid("The body must be a JSON object of fault settings.");
        }
        double errorRate = current.errorRate();
        int errorAfterTokens = current.errorAfterTokens();
        double stallRate = current.stallRate();
        int stallAfterTokens = current.stallAfterTokens();
        Optional<Duration> stallFor = current.stallFor();
        double rateLimitRate = current.rateLimitRate();
        int crashAtRequest = current.crashAtRequest();
        Optional<Duration> crashAfter = current.crashAfter();
        long seed = current.seed();
        try {
            for (Iterator<Map.Entry<String, JsonNode>> fields = body.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                String name = field.getKey();
                JsonNode value = field.getValue();
                switch (name) {
                    case "errorRate" -> errorRate = number(name, value);
                    case "errorAfterTokens" -> errorAfterTokens = integer(name, value);
                    case "stallRate" -> stallRate = number(name, value);
                    case "stallAfterTokens" -> stallAfterTokens = integer(name, value);
                    case "stallFor" -> stallFor = duration(name, value);
                    case "rateLimitRate" -> rateLimitRate = number(name, value);
                    case "crashAtRequest" -> crashAtRequest = integer(name, value);
                    case "crashAfter" -> crashAfter = duration(name, value);
                    case "seed" -> seed = longInteger(name, value);
                    default -> throw new IllegalArgumentException("Unknown field '%s'; the fields are %s."
                            .formatted(name, fieldNames()));
                }
            }
            return new Valid(new FaultSettings(errorRate, errorAfterTokens, stallRate, stallAfterTokens, stallFor,
                    rateLimitRate, crashAtRequest, crashAfter, seed));
        } catch (IllegalArgumentException e) {
            return new Invalid(e.getMessage());
        }
    }

    private static String fieldNames() {
        return Arrays.stream(View.class.getRecordComponents()).map(RecordComponent::getName).collect(Collectors.joining(", "));
    }

    private static double number(String name, JsonNode value) {
        if (!value.isNumber()) {
            throw new IllegalArgumentException("'%s' must be a number.".formatted(name));
        }
        return value.asDouble();
    }

    private static int integer(String name, JsonNode value) {
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new IllegalArgumentException("'%s' must be an integer.".formatted(name));
        }
        return value.asInt();
    }

    private static long longInteger(String name, JsonNode value) {
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new IllegalArgumentException("'%s' must be an integer.".formatted(name));
        }
        return value.asLong();
    }

    private static Optional<Duration> duration(String name, JsonNode value) {
        if (value.isNull()) {
            return Optional.empty();
        }
        Duration duration = value.isTextual() ? parseDuration(value.asText()) : null;
        if (duration == null) {
            throw new IllegalArgumentException("'%s' must be a duration such as \"30s\" or \"250ms\", or null.".formatted(name));
        }
        return Optional.of(duration);
    }

    /** The configuration's duration syntax, or null for text that is none (the converter says so in several ways). */
    private static Duration parseDuration(String text) {
        try {
            return DurationConverter.parseDuration(text);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
