package dev.parley.contract.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * A platform's word on a message Parley sent (WhatsApp's {@code statuses}: sent, delivered, read, failed). Receipts
 * update the hub's delivery record and metrics and never reach the model. Platforms repeat them and send them out
 * of order, so the hub applies each (message, status) once and never lets a status go back.
 *
 * @param platformMessageId the platform's id of the message Parley sent (the id its send call returned)
 * @param status            the platform's status word, lower case
 * @param recipientId       who the message went to, or {@code null}
 * @param at                when the platform says it happened, or {@code null}
 * @param errorCode         the platform's error code when the status is a failure, or {@code null}
 * @param errorTitle        the platform's explanation of that error, or {@code null}
 */
public record DeliveryReceipt(String platformMessageId, String status, String recipientId, Instant at,
                              String errorCode, String errorTitle) {
    public DeliveryReceipt {
        Objects.requireNonNull(platformMessageId, "platform message id");
        Objects.requireNonNull(status, "status");
    }
}
