package dev.parley.simulators;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * One API call as a simulator received it: the method named in the URL, every parameter (query, form, multipart or
 * JSON body, flattened to strings as the platforms themselves do), the token it carried, when it arrived and the HTTP
 * status it was answered with.
 *
 * @param token  the bot token from the URL path (Telegram) or the bearer / {@code token} parameter (Slack);
 *               {@code null} when the call carried none
 * @param status the HTTP status the simulator answered (429 for a rate limit, also an enforced one); 0 while the call
 *               is still being answered, e.g. a getUpdates waiting for updates, or when it never was (the client went
 *               away)
 */
public record RecordedCall(String method, Map<String, String> parameters, String token, Instant receivedAt,
                           int status) {

    public RecordedCall {
        parameters = Map.copyOf(parameters);
    }

    /** The parameter's value as the platform would read it, or {@code null} when the call did not send it. */
    public String parameter(String name) {
        return parameters.get(name);
    }

    /** Whether this call was to {@code methodName}, compared without case as the Bot API compares method names. */
    public boolean isTo(String methodName) {
        return method.toLowerCase(Locale.ROOT).equals(methodName.toLowerCase(Locale.ROOT));
    }

    RecordedCall answered(int httpStatus) {
        return new RecordedCall(method, parameters, token, receivedAt, httpStatus);
    }
}
