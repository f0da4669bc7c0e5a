package dev.parley.hub.ingress;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.adapter.slack.SlackAdapter;
import dev.parley.adapter.telegram.TelegramAdapter;
import dev.parley.adapter.webchat.WebChatAdapter;
import dev.parley.adapter.whatsapp.WhatsAppAdapter;
import dev.parley.contract.Platform;
import dev.parley.contract.spi.BotProfile;
import dev.parley.hub.config.HubConfig;
import dev.parley.hub.delivery.SendLimits;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.Map;

/** Wires the platform adapters and the hub's web chat settings into CDI. */
@ApplicationScoped
public class AdapterBeans {

    @Produces
    @Singleton
    TelegramAdapter telegramAdapter(ObjectMapper json, SendLimits limits) {
        return new TelegramAdapter(json, Clock.systemUTC(), limits);
    }

    @Produces
    @Singleton
    SlackAdapter slackAdapter(ObjectMapper json, SendLimits limits) {
        return new SlackAdapter(json, Clock.systemUTC(), limits);
    }

    @Produces
    @Singleton
    WhatsAppAdapter whatsAppAdapter(ObjectMapper json, SendLimits limits) {
        return new WhatsAppAdapter(json, limits);
    }

    @Produces
    @ApplicationScoped
    WebChatAdapter webChatAdapter(ObjectMapper json, WebChatSockets sockets) {
        return new WebChatAdapter(json, Clock.systemUTC(), sockets);
    }

    @Produces
    @Singleton
    VisitorTokens visitorTokens(HubConfig config) {
        return new VisitorTokens(config.webchat().tokenSecret());
    }

    /**
     * The web chat's bot. Not finished: bots come from the registry once it exists (issue "bot registry"); until
     * then the web chat is one bot named by {@code parley.webchat.bot-id}.
     */
    @Produces
    @Singleton
    BotProfile webChatBot(HubConfig config) {
        return new BotProfile(config.webchat().botId(), Platform.WEBCHAT, "Web chat", Map.of(), null);
    }
}
