package dev.parley.contract.spi;

import java.util.Map;

/** What a platform said to a registration call. Never carries a credential. */
public sealed interface RegistrationOutcome {

    /** Done; what the platform reports, or what the admin must paste into the platform's settings. */
    record Done(Map<String, Object> details) implements RegistrationOutcome {
        public Done {
            details = Map.copyOf(details);
        }
    }

    /** The platform refused or could not be reached; its own error text, for the admin to act on. */
    record Refused(String platformError) implements RegistrationOutcome {
    }
}
