package dev.parley.loadtest;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Who sends the next message on one platform: most messages come from a large pool of ordinary users (each writes
 * every {@code userPeriod} seconds), some from a few very chatty users (one every {@code chattyPeriod} seconds, under
 * the hub's default 20 messages a minute per user), some in group chats that mention the bot. Users take turns, so
 * no one writes faster than their period and the platforms' per-chat send limits hold for the answers.
 */
final class Audience {

    enum Kind { USER, CHATTY, GROUP }

    /** The sender of one message: a user (or group) number, unique within its kind. */
    record Turn(Kind kind, int id) {
    }

    private final double groupShare;
    private final double chattyShare;
    private final int users;
    private final int chattyUsers;
    private final int groups;
    private final AtomicLong turns = new AtomicLong();
    private final AtomicLong userTurns = new AtomicLong();
    private final AtomicLong chattyTurns = new AtomicLong();
    private final AtomicLong groupTurns = new AtomicLong();

    Audience(Workload workload, double ratePerSecond, boolean groupsAllowed) {
        this.groupShare = groupsAllowed ? workload.groupShare() : 0;
        this.chattyShare = workload.chattyShare();
        double plain = ratePerSecond * (1 - groupShare - chattyShare);
        this.users = Math.max(1, (int) Math.ceil(plain * workload.userPeriodSeconds()));
        this.chattyUsers = Math.max(1, (int) Math.ceil(ratePerSecond * chattyShare * workload.chattyPeriodSeconds()));
        this.groups = Math.max(1, (int) Math.ceil(ratePerSecond * groupShare * workload.groupPeriodSeconds()));
    }

    /**
     * The n-th message's kind follows from n, not from chance: position (37·n mod 100) in a cycle of 100, where the
     * first slots are groups and the next ones chatty users, so every kind keeps its share in any stretch of 100.
     */
    Turn next() {
        long slot = (turns.getAndIncrement() * 37) % 100;
        if (slot < Math.round(groupShare * 100)) {
            return new Turn(Kind.GROUP, (int) (groupTurns.getAndIncrement() % groups));
        }
        if (slot < Math.round((groupShare + chattyShare) * 100)) {
            return new Turn(Kind.CHATTY, (int) (chattyTurns.getAndIncrement() % chattyUsers));
        }
        return new Turn(Kind.USER, (int) (userTurns.getAndIncrement() % users));
    }
}
