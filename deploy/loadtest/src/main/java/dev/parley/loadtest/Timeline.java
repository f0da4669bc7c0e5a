package dev.parley.loadtest;

import java.util.ArrayList;
import java.util.List;

/** What happened to the stack during a run (the chaos scenario's faults), at seconds since the run's start. */
final class Timeline {

    /** One fault: injected at {@code atSeconds}, the stack healthy again (every process up) at {@code healedSeconds}. */
    static final class Event {
        final String name;
        final double atSeconds;
        volatile double healedSeconds = -1;

        Event(String name, double atSeconds) {
            this.name = name;
            this.atSeconds = atSeconds;
        }
    }

    private final List<Event> events = new ArrayList<>();

    synchronized Event mark(String name, double atSeconds) {
        Event event = new Event(name, atSeconds);
        events.add(event);
        return event;
    }

    synchronized List<Event> events() {
        return List.copyOf(events);
    }
}
