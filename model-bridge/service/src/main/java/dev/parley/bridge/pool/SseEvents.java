package dev.parley.bridge.pool;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a server-sent-events body, fed in whatever pieces the network delivers, into events: the WHATWG
 * event-stream rules as far as OpenAI-compatible servers use them.
 *
 * <ul>
 *   <li>Lines end in {@code \n}, {@code \r\n} or {@code \r}, also when a line end is split across two pieces.</li>
 *   <li>{@code field: value} or {@code field:value}: one space after the colon is dropped, as the spec says.</li>
 *   <li>{@code data} lines accumulate, joined by {@code \n}; {@code event} sets the type (default
 *       {@code message}); {@code id}, {@code retry} and unknown fields are ignored, as a completion is never
 *       resumed.</li>
 *   <li>Lines starting with {@code :} are comments: llama.cpp and proxies send them as keep-alive pings.</li>
 *   <li>A blank line dispatches the event; a blank line without data dispatches nothing.</li>
 *   <li>{@code data: [DONE]} is OpenAI's end of stream: it is dispatched (see {@link Event#isDone()}) and
 *       everything after it is ignored. An event not closed by a blank line when the body ends is dropped.</li>
 * </ul>
 *
 * <p>Lines are decoded as UTF-8 only once complete, so a character split across two pieces comes out whole.
 * One instance reads one stream, from one thread.
 */
public final class SseEvents {

    private static final String DEFAULT_TYPE = "message";
    private static final String DONE = "[DONE]";

    /**
     * One dispatched event.
     *
     * @param type {@code message} unless the server sent an {@code event:} field
     * @param data the {@code data} lines joined by {@code \n}
     */
    public record Event(String type, String data) {

        /** Whether this is OpenAI's {@code data: [DONE]}, the end of a completion stream. */
        public boolean isDone() {
            return DONE.equals(data);
        }
    }

    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final StringBuilder data = new StringBuilder();
    private String type;
    private boolean afterCarriageReturn;
    private boolean done;

    /**
     * Reads the next piece of the body.
     *
     * @return the events this piece completed, in order; empty once {@code [DONE]} has been dispatched
     */
    public List<Event> feed(ByteBuffer bytes) {
        List<Event> events = new ArrayList<>();
        while (bytes.hasRemaining() && !done) {
            byte b = bytes.get();
            if (b == '\n' && afterCarriageReturn) {
                afterCarriageReturn = false;
                continue;
            }
            afterCarriageReturn = b == '\r';
            if (b == '\n' || b == '\r') {
                endLine(events);
            } else {
                line.write(b);
            }
        }
        return events;
    }

    private void endLine(List<Event> events) {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        if (text.isEmpty()) {
            dispatch(events);
            return;
        }
        if (text.startsWith(":")) {
            return;
        }
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        String value = colon < 0 ? "" : text.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        // id, retry and extension fields are skipped: nothing a completion stream needs.
        if (field.equals("data")) {
            data.append(value).append('\n');
        } else if (field.equals("event")) {
            type = value;
        }
    }

    private void dispatch(List<Event> events) {
        if (!data.isEmpty()) {
            Event event = new Event(type == null || type.isEmpty() ? DEFAULT_TYPE : type,
                    data.substring(0, data.length() - 1));
            events.add(event);
            done = event.isDone();
        }
        data.setLength(0);
        type = null;
    }
}
