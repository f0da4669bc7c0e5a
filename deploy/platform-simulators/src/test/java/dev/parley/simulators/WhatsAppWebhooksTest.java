package dev.parley.simulators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WhatsAppWebhooksTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void theSignatureMatchesMetasPublishedExample() {
        // The pair Meta's own WhatsApp Node.js SDK (github.com/WhatsApp/WhatsApp-Nodejs-SDK) tests its helper with.
        assertThat(WhatsAppWebhooks.signature("TEST_APP_SECRET", "test".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("sha256=0c61947b610d4f45e65f3d680e26027121ec2413e77598bcb6cfc6e0d9888221");
    }

    @Test
    void aTextMessageHasTheEnvelopeContactAndMessageMetaSends() throws Exception {
        JsonNode root = json.readTree(WhatsAppWebhooks.textMessage("106540352242922", "15550783881", "16505551234",
                "Sheena Nelson", "wamid.IN1", "Does it come in another color?", 1749416383L));

        assertThat(root.path("object").asText()).isEqualTo("whatsapp_business_account");
        JsonNode entry = root.path("entry").path(0);
        assertThat(entry.path("id").asText()).isEqualTo(WhatsAppWebhooks.EXAMPLE_BUSINESS_ACCOUNT_ID);
        JsonNode change = entry.path("changes").path(0);
        assertThat(change.path("field").asText()).isEqualTo("messages");
        JsonNode value = change.path("value");
        assertThat(value.path("messaging_product").asText()).isEqualTo("whatsapp");
        assertThat(value.path("metadata").path("display_phone_number").asText()).isEqualTo("15550783881");
        assertThat(value.path("metadata").path("phone_number_id").asText()).isEqualTo("106540352242922");
        assertThat(value.path("contacts").path(0).path("profile").path("name").asText()).isEqualTo("Sheena Nelson");
        assertThat(value.path("contacts").path(0).path("wa_id").asText()).isEqualTo("16505551234");
        JsonNode message = value.path("messages").path(0);
        assertThat(message.path("from").asText()).isEqualTo("16505551234");
        assertThat(message.path("id").asText()).isEqualTo("wamid.IN1");
        assertThat(message.path("timestamp").isTextual()).isTrue();
        assertThat(message.path("timestamp").asText()).isEqualTo("1749416383");
        assertThat(message.path("type").asText()).isEqualTo("text");
        assertThat(message.path("text").path("body").asText()).isEqualTo("Does it come in another color?");
        assertThat(value.has("statuses")).isFalse();
    }

    @Test
    void theAccountIdCanBeGiven() throws Exception {
        JsonNode root = json.readTree(WhatsAppWebhooks.textMessage("WABA1", "PN1", "15550000000", "16505551234",
                "Ann", "wamid.X", "hi", 1L));

        assertThat(root.path("entry").path(0).path("id").asText()).isEqualTo("WABA1");
    }

    @Test
    void aStatusNamesTheMessageAndItsRecipient() throws Exception {
        JsonNode value = json.readTree(WhatsAppWebhooks.status("106540352242922", "wamid.OUT1", "16505551234",
                "delivered", 1750263773L)).path("entry").path(0).path("changes").path(0).path("value");

        JsonNode status = value.path("statuses").path(0);
        assertThat(value.path("metadata").path("phone_number_id").asText()).isEqualTo("106540352242922");
        assertThat(status.path("id").asText()).isEqualTo("wamid.OUT1");
        assertThat(status.path("status").asText()).isEqualTo("delivered");
        assertThat(status.path("timestamp").asText()).isEqualTo("1750263773");
        assertThat(status.path("recipient_id").asText()).isEqualTo("16505551234");
        assertThat(value.has("messages")).isFalse();
        assertThatThrownBy(() -> WhatsAppWebhooks.status("1", "w", "2", "failed", 1L))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFailedStatusCarriesMetasErrorObject() throws Exception {
        JsonNode status = json.readTree(WhatsAppWebhooks.failedStatus("106540352242922", "wamid.OUT1", "16505551234",
                131047, "Re-engagement message", "Message failed to send because more than 24 hours have passed "
                        + "since the customer last replied to this number.", 1750263773L))
                .path("entry").path(0).path("changes").path(0).path("value").path("statuses").path(0);

        assertThat(status.path("status").asText()).isEqualTo("failed");
        JsonNode error = status.path("errors").path(0);
        assertThat(error.path("code").asInt()).isEqualTo(131047);
        assertThat(error.path("title").asText()).isEqualTo("Re-engagement message");
        assertThat(error.path("message").asText()).isEqualTo("Re-engagement message");
        assertThat(error.path("error_data").path("details").asText()).contains("24 hours");
        assertThat(error.path("href").asText()).contains("error-codes");
    }
}
