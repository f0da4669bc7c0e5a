package dev.parley.loadtest;

/**
 * The shape of the traffic: how the messages split between platforms, how often each kind of user writes, and the
 * share of messages the platform delivers twice.
 *
 * @param telegram          share of messages sent as Telegram webhooks
 * @param slack             share sent as Slack Events API calls
 * @param webchat           share sent over web chat sockets
 * @param groupShare        share of Telegram/Slack messages written in a group or channel, mentioning the bot
 * @param chattyShare       share written by the few chatty users
 * @param redeliveryShare   share of messages the platform (or the browser) sends a second time
 * @param userPeriodSeconds how often an ordinary user writes
 */
record Workload(double telegram, double slack, double webchat, double groupShare, double chattyShare,
                double redeliveryShare, double userPeriodSeconds, double chattyPeriodSeconds,
                double groupPeriodSeconds) {

    /** A third each; 10 % in groups, 10 % from chatty users, 5 % delivered twice; users write every 30 s. */
    static Workload mixed() {
        return new Workload(1 / 3.0, 1 / 3.0, 1 / 3.0, 0.10, 0.10, 0.05, 30, 4, 5);
    }

    static Workload telegramOnly() {
        return new Workload(1, 0, 0, 0.10, 0.10, 0.05, 30, 4, 5);
    }

    static Workload webchatOnly(double userPeriodSeconds) {
        return new Workload(0, 0, 1, 0, 0, 0.05, userPeriodSeconds, 4, 5);
    }
}
