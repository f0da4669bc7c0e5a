package dev.parley.hub.ops;

/** A consumer group and the topic it reads, watched for lag; configured as {@code group:topic}. */
public record WatchedGroup(String group, String topic) {

    /** Splits at the last colon: a group id may contain one, a topic name cannot. */
    public static WatchedGroup parse(String entry) {
        String trimmed = entry.strip();
        int colon = trimmed.lastIndexOf(':');
        if (colon <= 0 || colon == trimmed.length() - 1) {
            throw new IllegalArgumentException("parley.ops.groups entries are group:topic (for example "
                    + "parley-bridge:parley.requests); '" + trimmed + "' is not");
        }
        return new WatchedGroup(trimmed.substring(0, colon), trimmed.substring(colon + 1));
    }
}
