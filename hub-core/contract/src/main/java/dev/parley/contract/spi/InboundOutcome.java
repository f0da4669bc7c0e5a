package dev.parley.contract.spi;

import dev.parley.contract.InboundMessage;
import java.util.List;

/** What an adapter made of an inbound payload. Bad input is a {@link Refused} with a reason, never an exception. */
public sealed interface InboundOutcome {

    /** Not accepted: the HTTP status to answer (401 bad signature, 400 malformed, 413 too large) and why. */
    record Refused(int status, String reason) implements InboundOutcome {
    }

    /** Answered on the spot without any message for the pipeline (Slack's challenge, WhatsApp's handshake). */
    record Answered(int status, String contentType, String body) implements InboundOutcome {
    }

    /**
     * Verified and parsed; both lists may be empty (an event Parley acknowledges and ignores). Messages go to the
     * pipeline; receipts (statuses of messages Parley sent) only to the delivery record.
     */
    record Accepted(List<InboundMessage> messages, List<DeliveryReceipt> receipts) implements InboundOutcome {
        public Accepted {
            messages = List.copyOf(messages);
            receipts = List.copyOf(receipts);
        }

        public Accepted(List<InboundMessage> messages) {
            this(messages, List.of());
        }
    }
}
