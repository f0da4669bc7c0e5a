package dev.parley.simulator.config;

import dev.parley.simulator.metrics.ReplicaMetrics;
import dev.parley.simulator.record.RequestLog;
import dev.parley.simulator.replica.ReplicaScheduler;
import dev.parley.simulator.replica.TokenEmitter;
import dev.parley.simulator.reply.ReplyComposer;
import io.vertx.core.Vertx;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Builds the replica's plain, container-free parts from the configuration, one of each per process. */
public class ReplicaBeans {

    @Produces
    @Singleton
    ReplicaScheduler scheduler(SimulatorConfig config) {
        return new ReplicaScheduler(config.maxConcurrentSequences());
    }

    @Produces
    @Singleton
    ReplicaMetrics metrics(SimulatorConfig config, ReplicaScheduler scheduler) {
        return new ReplicaMetrics(config.modelName(), scheduler, config.kvCacheTokens());
    }

    @Produces
    @Singleton
    ReplyComposer replyComposer(SimulatorConfig config) {
        return new ReplyComposer(config.replyTokens());
    }

    @Produces
    @Singleton
    TokenEmitter tokenEmitter(SimulatorConfig config, Vertx vertx) {
        return new TokenEmitter(vertx, config.timeToFirstToken(), config.tokensPerSecond());
    }

    @Produces
    @Singleton
    RequestLog requestLog(SimulatorConfig config) {
        return new RequestLog(config.recordedRequests());
    }
}
