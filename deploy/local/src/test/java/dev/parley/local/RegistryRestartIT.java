package dev.parley.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The bot registry on the real processes: a bot added through the admin API is still there, credentials intact,
 * after the whole stack (hubs and the Infinispan server included) was stopped and started again, and no log the
 * stack wrote contains its secrets.
 */
@ExtendWith(LocalStack.class)
class RegistryRestartIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> admin(int node, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(LocalStack.hubUrl(node) + "/admin" + path))
                .header("Authorization", "Bearer " + LocalStack.secret("PARLEY_ADMIN_TOKEN"))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aBotSurvivesARestartOfEveryProcessAndItsSecretsAreInNoLog() throws Exception {
        String id = "restart-" + UUID.randomUUID().toString().substring(0, 8);
        String botToken = "123456:restart-test-token-" + UUID.randomUUID();
        String signingSecret = "slack-signing-" + UUID.randomUUID();
        HttpResponse<String> created = admin(1, "POST", "/bots", JSON.createObjectNode().put("id", id)
                .put("platform", "slack").set("credentials", JSON.createObjectNode()
                        .put("botToken", botToken).put("signingSecret", signingSecret)).toString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode before = JSON.readTree(created.body());

        // Every hub node sees the new bot without a restart.
        assertThat(admin(2, "GET", "/bots/" + id, null).statusCode()).isEqualTo(200);

        LocalStack.restart();

        HttpResponse<String> after = admin(2, "GET", "/bots/" + id, null);
        assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
        JsonNode stored = JSON.readTree(after.body());
        assertThat(stored.get("credentials")).isEqualTo(before.get("credentials"));
        assertThat(stored.get("missingCredentials")).isEmpty();
        assertThat(after.body()).doesNotContain(botToken, signingSecret);

        for (Path log : LocalStack.logFiles()) {
            String text = Files.readString(log, StandardCharsets.ISO_8859_1);
            assertThat(text).as(log.toString()).doesNotContain(botToken, signingSecret,
                    LocalStack.secret("PARLEY_ADMIN_TOKEN"), LocalStack.secret("PARLEY_MASTER_KEY"),
                    LocalStack.secret("PARLEY_INFINISPAN_PASSWORD"));
        }
        assertThat(admin(1, "DELETE", "/bots/" + id, null).statusCode()).isEqualTo(204);
    }
}
