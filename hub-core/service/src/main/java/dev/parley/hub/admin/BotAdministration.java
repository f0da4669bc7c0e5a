package dev.parley.hub.admin;

import dev.parley.contract.Platform;
import dev.parley.contract.spi.BotProfile;
import dev.parley.contract.spi.RegistrationOutcome;
import dev.parley.contract.spi.WebhookRegistrar;
import dev.parley.hub.pipeline.Pairings;
import dev.parley.hub.delivery.DeliveryRecords;
import dev.parley.hub.registry.AuditTrail;
import dev.parley.hub.registry.BotPolicy;
import dev.parley.hub.registry.BotRecord;
import dev.parley.hub.registry.BotRegistry;
import dev.parley.hub.registry.CredentialVault;
import dev.parley.hub.registry.PlatformRegistrars;
import dev.parley.hub.registry.StoredCredential;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What platform admins can do to bots: create, change, remove, register webhooks, rotate secrets. Validates every
 * request with a reason that names the field, seals credentials before they are stored, and writes each change to
 * the audit trail (never a secret's value).
 */
@ApplicationScoped
public class BotAdministration {

    private static final Pattern BOT_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Base64.Encoder SECRET_ENCODING = Base64.getUrlEncoder().withoutPadding();

    private final BotRegistry registry;
    private final CredentialVault vault;
    private final PlatformRegistrars registrars;
    private final AuditTrail audit;
    private final Pairings pairings;
    private final DeliveryRecords deliveries;
    private final Clock clock = Clock.systemUTC();
    private final SecureRandom random = new SecureRandom();

    public BotAdministration(BotRegistry registry, CredentialVault vault, PlatformRegistrars registrars,
                             AuditTrail audit, Pairings pairings, DeliveryRecords deliveries) {
        this.registry = registry;
        this.deliveries = deliveries;
        this.pairings = pairings;
        this.vault = vault;
        this.registrars = registrars;
        this.audit = audit;
    }

    public List<BotView> list() {
        return registry.all().stream().map(this::view).toList();
    }

    public BotView show(String id) {
        return view(existing(id));
    }

    public BotView create(String actor, BotRequests.Creation request) {
        if (request == null) {
            throw AdminProblem.badRequest("a JSON body with id, platform and credentials is required");
        }
        if (request.id() == null || !BOT_ID.matcher(request.id()).matches()) {
            throw AdminProblem.badRequest("id must be 1-63 lower-case letters, digits or '-', starting with a letter "
                    + "or digit");
        }
        Platform platform = platform(request.platform());
        WebhookRegistrar registrar = registrars.of(platform).orElse(null);
        Map<String, String> credentials = request.credentials() == null ? Map.of() : request.credentials();
        checkCredentialNames(registrar, platform, credentials.keySet());
        List<String> missing = new ArrayList<>();
        if (registrar != null) {
            for (String name : new TreeSet<>(registrar.requiredCredentials())) {
                if (!registrar.generatedSecret().map(name::equals).orElse(false) && isBlank(credentials.get(name))) {
                    missing.add(name);
                }
            }
        }
        if (!missing.isEmpty()) {
            throw AdminProblem.badRequest("credentials." + missing.get(0) + " is required for a " + platform.id() + " bot");
        }
        long now = clock.millis();
        List<StoredCredential> sealed = new ArrayList<>();
        new TreeSet<>(credentials.keySet()).forEach(name -> {
            if (credentials.get(name) != null) {
                sealed.add(seal(request.id(), name, credentials.get(name), now));
            }
        });
        BotRecord bot = new BotRecord(request.id(), platform.id(),
                request.displayName() == null ? request.id() : request.displayName(), baseUrl(request.apiBaseUrl()),
                sealed, policy(BotPolicy.defaults(), request.policy()), null, now, now);
        if (!registry.create(bot)) {
            throw new AdminProblem(409, "a bot with id '" + request.id() + "' exists already");
        }
        audit.record(actor, "bot.create", bot.id(), "platform=" + platform.id() + " credentials=" + credentials.keySet());
        return view(bot);
    }

    public BotView change(String actor, String id, BotRequests.Change request) {
        if (request == null) {
            throw AdminProblem.badRequest("a JSON body with the fields to change is required");
        }
        BotRecord current = existing(id);
        Platform platform = Platform.fromId(current.platform());
        WebhookRegistrar registrar = registrars.of(platform).orElse(null);
        Map<String, String> credentials = request.credentials() == null ? Map.of() : request.credentials();
        checkCredentialNames(registrar, platform, credentials.keySet());
        credentials.forEach((name, value) -> {
            if (value == null && registrar != null && registrar.requiredCredentials().contains(name)) {
                throw AdminProblem.badRequest("credentials." + name + " is required and cannot be removed");
            }
            if (value != null && value.isBlank()) {
                throw AdminProblem.badRequest("credentials." + name + " must not be blank");
            }
        });
        String apiBaseUrl = request.apiBaseUrl() == null ? current.apiBaseUrl() : baseUrl(request.apiBaseUrl());
        BotPolicy policy = policy(current.policy(), request.policy());
        long now = clock.millis();
        BotRecord changed = registry.update(id, stored -> {
            Map<String, StoredCredential> next = new LinkedHashMap<>();
            stored.credentials().forEach(c -> next.put(c.name(), c));
            credentials.forEach((name, value) -> {
                if (value == null) {
                    next.remove(name);
                } else {
                    next.put(name, seal(id, name, value, now));
                }
            });
            return new BotRecord(id, stored.platform(),
                    request.displayName() == null ? stored.displayName() : request.displayName(), apiBaseUrl,
                    List.copyOf(next.values()), policy, stored.webhookUrl(), stored.createdAtMillis(), now);
        }).orElseThrow(() -> AdminProblem.unknownBot(id));
        audit.record(actor, "bot.change", id, "fields=" + changedFields(request));
        if (!credentials.isEmpty()) {
            deliveries.credentialsChanged(id);
        }
        return view(changed);
    }

    /** Whether the platform rejected the bot's credentials, and the latest replies that could not be delivered. */
    public DeliveryReport deliveries(String id, int limit) {
        existing(id);
        return new DeliveryReport(deliveries.credentialsRejection(id).orElse(null), deliveries.failures(id, limit));
    }

    /** What became of one message the bot sent, by the platform's id for it (404 when unknown or expired). */
    public Map<String, String> delivery(String id, String platformMessageId) {
        BotRecord bot = existing(id);
        Map<String, String> record = deliveries.record(Platform.fromId(bot.platform()), id, platformMessageId);
        if (record.isEmpty()) {
            throw AdminProblem.notFound("no delivery record for message '" + platformMessageId + "' of bot '" + id
                    + "' (kept " + DeliveryRecords.RECORD_TTL.toDays() + " days)");
        }
        return record;
    }

    public record DeliveryReport(DeliveryRecords.CredentialsRejection credentialsRejected,
                                 List<DeliveryRecords.Failure> failures) {
    }

    public void remove(String actor, String id) {
        if (!registry.delete(id)) {
            throw AdminProblem.unknownBot(id);
        }
        audit.record(actor, "bot.remove", id, "");
    }

    /** Points the platform at {@code {publicBaseUrl}/webhooks/{platform}/{id}}, with a fresh secret where Parley makes it. */
    public Map<String, Object> registerWebhook(String actor, String id, BotRequests.WebhookRegistration request) {
        BotRecord bot = existing(id);
        WebhookRegistrar registrar = registrarFor(bot);
        String base = request == null ? null : baseUrl(request.publicBaseUrl());
        if (base == null) {
            throw AdminProblem.badRequest("publicBaseUrl is required, e.g. https://parley.example.com");
        }
        String webhookUrl = base + "/webhooks/" + bot.platform() + "/" + id;
        BotRecord withSecret = registrar.generatedSecret().map(name -> storeNewSecret(id, name)).orElse(bot);
        Map<String, Object> details = done(registrar.register(profile(withSecret), webhookUrl));
        registry.update(id, stored -> new BotRecord(stored.id(), stored.platform(), stored.displayName(),
                stored.apiBaseUrl(), stored.credentials(), stored.policy(), webhookUrl, stored.createdAtMillis(),
                clock.millis()));
        audit.record(actor, "webhook.register", id, "url=" + webhookUrl);
        return details;
    }

    public Map<String, Object> inspectWebhook(String id) {
        BotRecord bot = existing(id);
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("webhookUrl", bot.webhookUrl());
        view.put("platform", done(registrarFor(bot).inspect(profile(bot))));
        return view;
    }

    public Map<String, Object> removeWebhook(String actor, String id) {
        BotRecord bot = existing(id);
        Map<String, Object> details = done(registrarFor(bot).remove(profile(bot)));
        registry.update(id, stored -> new BotRecord(stored.id(), stored.platform(), stored.displayName(),
                stored.apiBaseUrl(), stored.credentials(), stored.policy(), null, stored.createdAtMillis(),
                clock.millis()));
        audit.record(actor, "webhook.remove", id, "");
        return details;
    }

    /** A new webhook secret, registered again with the platform when the webhook is set. */
    public BotView rotateSecret(String actor, String id) {
        BotRecord bot = existing(id);
        WebhookRegistrar registrar = registrarFor(bot);
        String name = registrar.generatedSecret().orElseThrow(() -> AdminProblem.badRequest(bot.platform()
                + " hands out its own secrets: set the new value with PATCH /admin/bots/" + id));
        BotRecord rotated = storeNewSecret(id, name);
        if (rotated.webhookUrl() != null) {
            done(registrar.register(profile(rotated), rotated.webhookUrl()));
        }
        audit.record(actor, "secret.rotate", id, "credential=" + name);
        return view(rotated);
    }

    /** Approves a pairing code a user got from the bot: their platform id joins the bot's allowlist. */
    public BotView approvePairing(String actor, String id, String code) {
        existing(id);
        String user = pairings.redeem(id, code).await().atMost(java.time.Duration.ofSeconds(5));
        if (user == null) {
            throw new AdminProblem(404, "no pending pairing code '" + code + "' for bot '" + id + "' (codes last an hour)");
        }
        BotRecord paired = registry.update(id, stored -> {
            List<String> allowlist = new ArrayList<>(stored.policy().allowlist());
            if (!allowlist.contains(user)) {
                allowlist.add(user);
            }
            BotPolicy p = stored.policy();
            return new BotRecord(stored.id(), stored.platform(), stored.displayName(), stored.apiBaseUrl(),
                    stored.credentials(), new BotPolicy(p.directMessages(), allowlist, p.groupsRequireMention(),
                    p.userMessagesPerMinute(), p.dailyModelRequests()), stored.webhookUrl(), stored.createdAtMillis(),
                    clock.millis());
        }).orElseThrow(() -> AdminProblem.unknownBot(id));
        audit.record(actor, "pairing.approve", id, "user=" + user);
        return view(paired);
    }

    /** The bot with its credentials opened, for adapters; never leaves the process. */
    public BotProfile profile(BotRecord bot) {
        Map<String, String> open = new HashMap<>();
        bot.credentials().forEach(c -> open.put(c.name(), vault.open(bot.id(), c.name(), c.sealed())));
        return new BotProfile(bot.id(), Platform.fromId(bot.platform()), bot.displayName(), open, bot.apiBaseUrl(),
                bot.webhookUrl());
    }

    private BotRecord storeNewSecret(String id, String name) {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String value = SECRET_ENCODING.encodeToString(secret); // [A-Za-z0-9_-], as Telegram requires
        long now = clock.millis();
        return registry.update(id, stored -> {
            List<StoredCredential> next = new ArrayList<>(stored.credentials().stream()
                    .filter(c -> !c.name().equals(name)).toList());
            next.add(seal(id, name, value, now));
            return new BotRecord(stored.id(), stored.platform(), stored.displayName(), stored.apiBaseUrl(), next,
                    stored.policy(), stored.webhookUrl(), stored.createdAtMillis(), now);
        }).orElseThrow(() -> AdminProblem.unknownBot(id));
    }

    private static Map<String, Object> done(RegistrationOutcome outcome) {
        return switch (outcome) {
            case RegistrationOutcome.Done done -> done.details();
            case RegistrationOutcome.Refused refused ->
                    throw new AdminProblem(502, "the platform refused: " + refused.platformError());
        };
    }

    private BotRecord existing(String id) {
        return registry.find(id).orElseThrow(() -> AdminProblem.unknownBot(id));
    }

    private WebhookRegistrar registrarFor(BotRecord bot) {
        return registrars.of(Platform.fromId(bot.platform())).orElseThrow(() -> AdminProblem.badRequest(
                bot.platform() + " bots have no webhook: the web chat page is served by the hub itself"));
    }

    private BotView view(BotRecord bot) {
        // A secret Parley generates is not "missing" before the webhook is registered: nobody can supply it.
        List<String> missing = registrars.of(Platform.fromId(bot.platform()))
                .map(r -> r.requiredCredentials().stream()
                        .filter(n -> bot.credential(n).isEmpty() && !r.generatedSecret().map(n::equals).orElse(false))
                        .sorted().toList())
                .orElse(List.of());
        return BotView.of(bot, missing);
    }

    private StoredCredential seal(String botId, String name, String value, long now) {
        CredentialVault.Sealed sealed = vault.seal(botId, name, value);
        return new StoredCredential(name, sealed.keyId(), sealed.nonce(), sealed.ciphertext(), vault.fingerprint(value),
                now);
    }

    private Platform platform(String id) {
        if (id == null) {
            throw AdminProblem.badRequest("platform is required: one of " + supportedPlatforms());
        }
        try {
            Platform platform = Platform.fromId(id);
            if (platform != Platform.WEBCHAT && registrars.of(platform).isEmpty()) {
                throw AdminProblem.badRequest("platform " + id + " is not supported yet");
            }
            return platform;
        } catch (IllegalArgumentException e) {
            throw AdminProblem.badRequest("platform must be one of " + supportedPlatforms() + ", not '" + id + "'");
        }
    }

    private String supportedPlatforms() {
        Set<String> ids = new TreeSet<>(List.of(Platform.WEBCHAT.id()));
        registrars.platforms().forEach(p -> ids.add(p.id()));
        return String.join(", ", ids);
    }

    private static void checkCredentialNames(WebhookRegistrar registrar, Platform platform, Set<String> names) {
        Set<String> known = new TreeSet<>();
        if (registrar != null) {
            known.addAll(registrar.requiredCredentials());
            known.addAll(registrar.optionalCredentials());
        }
        for (String name : names) {
            if (!known.contains(name)) {
                throw AdminProblem.badRequest("credentials." + name + " is not a " + platform.id() + " credential"
                        + (known.isEmpty() ? "" : "; known: " + String.join(", ", known)));
            }
        }
    }

    private static BotPolicy policy(BotPolicy current, BotRequests.PolicyChange change) {
        if (change == null) {
            return current;
        }
        String mode = change.directMessages() == null ? current.directMessages()
                : change.directMessages().toLowerCase(Locale.ROOT);
        if (!BotPolicy.DIRECT_MESSAGE_MODES.contains(mode)) {
            throw AdminProblem.badRequest("policy.directMessages must be one of open, allowlist, pairing");
        }
        int rate = change.userMessagesPerMinute() == null ? current.userMessagesPerMinute() : change.userMessagesPerMinute();
        if (rate < 1 || rate > 10_000) {
            throw AdminProblem.badRequest("policy.userMessagesPerMinute must be between 1 and 10000");
        }
        long quota = change.dailyModelRequests() == null ? current.dailyModelRequests() : change.dailyModelRequests();
        if (quota < 0) {
            throw AdminProblem.badRequest("policy.dailyModelRequests must be 0 (the hub's default) or more");
        }
        return new BotPolicy(mode, change.allowlist() == null ? current.allowlist() : change.allowlist(),
                change.groupsRequireMention() == null ? current.groupsRequireMention() : change.groupsRequireMention(),
                rate, quota);
    }

    private static String baseUrl(String url) {
        if (url == null || url.isBlank()) {
            return null;
        }
        try {
            URI uri = URI.create(url.strip());
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw AdminProblem.badRequest("'" + url + "' is not an http(s) URL");
            }
        } catch (IllegalArgumentException e) {
            throw AdminProblem.badRequest("'" + url + "' is not a URL");
        }
        String stripped = url.strip();
        return stripped.endsWith("/") ? stripped.substring(0, stripped.length() - 1) : stripped;
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }

    private static List<String> changedFields(BotRequests.Change request) {
        List<String> fields = new ArrayList<>();
        if (request.displayName() != null) {
            fields.add("displayName");
        }
        if (request.credentials() != null) {
            request.credentials().keySet().stream().sorted().forEach(n -> fields.add("credentials." + n));
        }
        if (request.apiBaseUrl() != null) {
            fields.add("apiBaseUrl");
        }
        if (request.policy() != null) {
            fields.add("policy");
        }
        return fields;
    }
}
