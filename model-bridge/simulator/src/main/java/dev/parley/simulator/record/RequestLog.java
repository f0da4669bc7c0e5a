package dev.parley.simulator.record;

import java.util.ArrayDeque;
import java.util.List;

/** The most recent requests, oldest first, bounded so a long benchmark cannot fill the heap. */
public final class RequestLog {

    private final int capacity;
    private final ArrayDeque<RecordedRequest> requests;

    public RequestLog(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("the request log must hold at least one request, capacity was " + capacity);
        }
        this.capacity = capacity;
        this.requests = new ArrayDeque<>(Math.min(capacity, 1024));
    }

    public synchronized void record(RecordedRequest request) {
        if (requests.size() == capacity) {
            requests.removeFirst();
        }
        requests.addLast(request);
    }

    public synchronized List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    public synchronized void clear() {
        requests.clear();
    }
}
