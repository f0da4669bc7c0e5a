package dev.parley.loadtest;

/** The people of one platform, sending tagged messages to the hub the way that platform delivers them. */
interface Users {

    String platform();

    /** Sends one message (asynchronously); {@code done} runs once the hub acknowledged it or the run stopped. */
    void send(Ledger.Message message, String text, Runnable done);
}
