package dev.parley.local;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.simulators.WhatsAppGraphApiServer;
import dev.parley.simulators.WhatsAppWebhooks;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * WhatsApp through the whole stack (two hub nodes, Kafka, the bridge, the model simulator) against a local server
 * that answers like Meta's Graph API: a signed text message answered once by the model, quoting the question,
 * though Meta delivers it to both nodes; a body altered by one byte refused; the reply's status callbacks kept in
 * its delivery record.
 */
@ExtendWith(LocalStack.class)
class WhatsAppEndToEndIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String APP_SECRET = "e2e-whatsapp-app-secret";
    private static WhatsAppGraphApiServer graph;

    @BeforeAll
    static void startGraphApi() {
        graph = WhatsAppGraphApiServer.start();
    }

    @AfterAll
    static void stopGraphApi() {
        graph.close();
    }

    private static int post(int node, String id, String body, String signature) throws Exception {
        return HubHttp.call("POST", LocalStack.hubUrl(node) + "/webhooks/whatsapp/" + id, body,
                "X-Hub-Signature-256", signature).statusCode();
    }

    @Test
    void aSignedMessageIsAnsweredOnceQuotingItAndItsStatusesAreKept() throws Exception {
        String id = "wa-e2e-" + UUID.randomUUID().toString().substring(0, 6);
        String number = "1065" + Math.abs(id.hashCode());
        String token = "EAAJ-" + id;
        graph.registerNumber(number, token);
        HttpResponse<String> created = HubHttp.admin("POST", "/bots", "{\"id\":\"" + id + "\",\"platform\":"
                + "\"whatsapp\",\"apiBaseUrl\":\"" + graph.baseUrl() + "\",\"credentials\":{\"accessToken\":\""
                + token + "\",\"appSecret\":\"" + APP_SECRET + "\",\"verifyToken\":\"v-" + id
                + "\",\"phoneNumberId\":\"" + number + "\"}}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

        String wamid = "wamid.E2E" + UUID.randomUUID().toString().replace("-", "");
        String body = WhatsAppWebhooks.textMessage(number, "15550783881", "16315550000", "Ada", wamid,
                "hello from whatsapp " + id, Instant.now().getEpochSecond());
        String signature = WhatsAppWebhooks.signature(APP_SECRET, body.getBytes(UTF_8));

        assertThat(post(2, id, body.replace("hello", "hellO"), signature)).as("one byte altered").isEqualTo(401);
        assertThat(post(1, id, body, signature)).isEqualTo(200);
        assertThat(post(2, id, body, signature)).as("Meta's duplicate, to the other node").isEqualTo(200);

        HubHttp.await(() -> !graph.sentMessages(number).isEmpty(), WAIT, "the model's answer sent to WhatsApp");
        Thread.sleep(2000); // a second answer would be on its way now
        WhatsAppGraphApiServer.SentMessage answer = graph.sentMessages(number).get(0);
        assertThat(graph.sentMessages(number)).hasSize(1);
        assertThat(answer.to()).isEqualTo("16315550000");
        assertThat(answer.contextMessageId()).isEqualTo(wamid);
        assertThat(answer.text()).contains("Parley model simulator", "hello from whatsapp " + id);
        assertThat(graph.readReceipts()).anySatisfy(receipt -> assertThat(receipt.messageId()).isEqualTo(wamid));

        String delivered = WhatsAppWebhooks.status(number, answer.wamid(), "16315550000", "delivered",
                Instant.now().getEpochSecond());
        assertThat(post(2, id, delivered, WhatsAppWebhooks.signature(APP_SECRET, delivered.getBytes(UTF_8))))
                .isEqualTo(200);
        HttpResponse<String> record = HubHttp.admin("GET", "/bots/" + id + "/deliveries/" + answer.wamid(), null);
        assertThat(record.statusCode()).as(record.body()).isEqualTo(200);
        assertThat(record.body()).contains("\"status\":\"delivered\"");
    }
}
