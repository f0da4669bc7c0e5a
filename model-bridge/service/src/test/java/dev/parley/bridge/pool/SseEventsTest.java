package dev.parley.bridge.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.bridge.pool.SseEvents.Event;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseEventsTest {

    private final SseEvents sse = new SseEvents();

    private List<Event> feed(String text) {
        return sse.feed(utf8(text));
    }

    /** Feeds the bytes one at a time, the worst split the network can produce. */
    private List<Event> feedByteByByte(String text) {
        List<Event> events = new ArrayList<>();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            events.addAll(sse.feed(ByteBuffer.wrap(new byte[] {b})));
        }
        return events;
    }

    @Test
    void dispatchesOneEventPerBlankLine() {
        assertThat(feed("data: {\"a\":1}\n\ndata: {\"b\":2}\n\n"))
                .containsExactly(new Event("message", "{\"a\":1}"), new Event("message", "{\"b\":2}"));
    }

    @Test
    void dropsOneSpaceAfterTheColonOnly() {
        assertThat(feed("data:tight\n\ndata:  two spaces\n\n"))
                .extracting(Event::data).containsExactly("tight", " two spaces");
    }

    @Test
    void joinsMultiLineDataWithNewlines() {
        assertThat(feed("data: first\ndata:\ndata: third\n\n")).containsExactly(new Event("message", "first\n\nthird"));
    }

    @Test
    void ignoresCommentsUsedAsKeepAlives() {
        assertThat(feed(": ping\n\n:\ndata: x\n: ping inside an event\n\n")).containsExactly(new Event("message", "x"));
    }

    @Test
    void keepsTheEventTypeForOneEvent() {
        assertThat(feed("event: error\ndata: boom\n\ndata: next\n\n"))
                .containsExactly(new Event("error", "boom"), new Event("message", "next"));
    }

    @Test
    void skipsIdRetryAndUnknownFields() {
        assertThat(feed("id: 7\nretry: 1000\nfoo: bar\ndata: x\n\n")).containsExactly(new Event("message", "x"));
    }

    @Test
    void aBlankLineWithoutDataDispatchesNothing() {
        assertThat(feed("event: ping\n\n\n\ndata: x\n\n")).containsExactly(new Event("message", "x"));
    }

    @Test
    void acceptsCrLfAndLoneCrLineEnds() {
        assertThat(feed("data: a\r\n\r\ndata: b\r\rdata: c\n\n"))
                .extracting(Event::data).containsExactly("a", "b", "c");
    }

    @Test
    void assemblesEventsSplitAcrossFeedsIncludingCrLfAndMultiByteCharacters() {
        String body = "data: {\"content\":\"héllo 🦜\"}\r\n\r\n: ping\r\n\r\ndata: second\r\n\r\n";

        assertThat(feedByteByByte(body)).extracting(Event::data).containsExactly("{\"content\":\"héllo 🦜\"}", "second");
    }

    @Test
    void returnsNothingUntilTheBlankLineArrives() {
        assertThat(feed("data: partial")).isEmpty();
        assertThat(feed("\n")).isEmpty();
        assertThat(feed("\n")).containsExactly(new Event("message", "partial"));
    }

    @Test
    void doneEndsTheStream() {
        List<Event> events = feed("data: last\n\ndata: [DONE]\n\ndata: after\n\n");

        assertThat(events).extracting(Event::data).containsExactly("last", "[DONE]");
        assertThat(events).extracting(Event::isDone).containsExactly(false, true);
        assertThat(feed("data: more\n\n")).isEmpty();
    }

    @Test
    void doneWithoutTheSpaceIsTheEndToo() {
        assertThat(feed("data:[DONE]\n\n")).singleElement().extracting(Event::isDone).isEqualTo(true);
    }

    @Test
    void doneInsideLongerDataIsNotTheEnd() {
        assertThat(feed("data: [DONE]\ndata: more\n\n")).singleElement().extracting(Event::isDone).isEqualTo(false);
    }

    @Test
    void everySplitOfTheBodyGivesTheSameEvents() {
        String body = "data: one\n\n: ping\ndata: two\ndata: lines\n\ndata: [DONE]\n\n";

        for (int split = 1; split < body.length(); split++) {
            SseEvents parser = new SseEvents();
            List<Event> events = new ArrayList<>(parser.feed(utf8(body.substring(0, split))));
            events.addAll(parser.feed(utf8(body.substring(split))));
            assertThat(events).as("split at %d", split).extracting(Event::data).containsExactly("one", "two\nlines", "[DONE]");
        }
    }

    private static ByteBuffer utf8(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }
}
