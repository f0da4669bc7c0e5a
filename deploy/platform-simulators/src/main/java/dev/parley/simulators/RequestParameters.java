package dev.parley.simulators;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a call's parameters the way the Bot API and the Slack Web API do: from the query string, then from an
 * urlencoded, multipart or JSON body (body values win). JSON values that are not strings keep their JSON text, so
 * {@code "allowed_updates":["message"]} and a form field {@code allowed_updates=["message"]} read the same.
 */
final class RequestParameters {

    /** The body could not be read as its content type claims; the servers answer 400. */
    static final class MalformedBody extends Exception {
        MalformedBody(String reason) {
            super(reason);
        }
    }

    private static final Pattern BOUNDARY = Pattern.compile("boundary=(\"?)([^\";]+)\\1");
    private static final Pattern PART_NAME = Pattern.compile("(?:^|;)\\s*name=\"([^\"]*)\"");
    private static final Pattern PART_FILENAME = Pattern.compile("(?:^|;)\\s*filename=\"([^\"]*)\"");

    private RequestParameters() {
    }

    static Map<String, String> read(HttpExchange exchange, ObjectMapper json) throws IOException, MalformedBody {
        Map<String, String> parameters = new LinkedHashMap<>();
        readUrlEncoded(exchange.getRequestURI().getRawQuery(), parameters);
        byte[] body = exchange.getRequestBody().readAllBytes();
        if (body.length == 0) {
            return parameters;
        }
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        String mediaType = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        switch (mediaType) {
            case "application/json" -> readJson(body, json, parameters);
            case "application/x-www-form-urlencoded" ->
                    readUrlEncoded(new String(body, StandardCharsets.UTF_8), parameters);
            case "multipart/form-data" -> readMultipart(body, contentType, parameters);
            default -> throw new MalformedBody("unsupported Content-Type '" + contentType + "'");
        }
        return parameters;
    }

    private static void readUrlEncoded(String encoded, Map<String, String> into) {
        if (encoded == null || encoded.isEmpty()) {
            return;
        }
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            into.put(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
    }

    private static void readJson(byte[] body, ObjectMapper json, Map<String, String> into) throws MalformedBody {
        JsonNode tree;
        try {
            tree = json.readTree(body);
        } catch (IOException e) {
            throw new MalformedBody("body is not valid JSON");
        }
        if (tree == null || !tree.isObject()) {
            throw new MalformedBody("JSON body is not an object");
        }
        tree.properties().forEach(field -> {
            JsonNode value = field.getValue();
            if (!value.isNull()) {
                into.put(field.getKey(), value.isTextual() ? value.textValue() : value.toString());
            }
        });
    }

    private static void readMultipart(byte[] body, String contentType, Map<String, String> into) throws MalformedBody {
        Matcher boundary = BOUNDARY.matcher(contentType);
        if (!boundary.find()) {
            throw new MalformedBody("multipart body without a boundary");
        }
        // ISO-8859-1 maps every byte to one char, so the body can be split as text and each value decoded as UTF-8.
        String raw = new String(body, StandardCharsets.ISO_8859_1);
        for (String part : raw.split(Pattern.quote("--" + boundary.group(2)))) {
            if (part.startsWith("--")) {
                break;
            }
            int headerEnd = part.indexOf("\r\n\r\n");
            if (headerEnd < 0) {
                continue;
            }
            String headers = part.substring(0, headerEnd);
            String content = part.substring(headerEnd + 4);
            if (content.endsWith("\r\n")) {
                content = content.substring(0, content.length() - 2);
            }
            Matcher name = PART_NAME.matcher(disposition(headers));
            if (!name.find()) {
                continue;
            }
            Matcher filename = PART_FILENAME.matcher(disposition(headers));
            // Uploaded files are noted, not kept: no simulated method stores files.
            String value = filename.find()
                    ? "(file " + filename.group(1) + ", " + content.length() + " bytes)"
                    : new String(content.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
            into.put(name.group(1), value);
        }
    }

    private static String disposition(String headers) {
        for (String line : headers.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-disposition:")) {
                return line.substring(line.indexOf(':') + 1);
            }
        }
        return "";
    }
}
