package dev.parley.simulator.config;

import dev.parley.simulator.fault.ProcessHalt;
import dev.parley.simulator.metrics.ReplicaMetrics;
import dev.parley.simulator.record.RequestLog;
import dev.parley.simulator.replica.Replica;
import dev.parley.simulator.replica.ReplicaModel;
import dev.parley.simulator.replica.ReplicaTimer;
import dev.parley.simulator.reply.ReplyComposer;
import io.quarkus.arc.DefaultBean;
import io.vertx.core.Vertx;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/** Builds the replica's plain, container-free parts from the configuration, one of each per process. */
public class ReplicaBeans {

    private static final Logger LOG = Logger.getLogger(ReplicaBeans.class);
    // What a process killed for a fault reports to its supervisor: failure, not a clean stop.
    private static final int CRASH_EXIT_STATUS = 1;

    @Produces
    @Singleton
    ReplicaModel model(SimulatorConfig config) {
        return new ReplicaModel(config.maxConcurrentSequences(), config.maxWaitingRequests(), config.kvCacheTokens(),
                config.timeToFirstToken(), config.prefillTokensPerSecond(), config.tokensPerSecond(), config.batchSlowdown(),
                config.prefixCaching(), config.prefixCacheTokens().orElse(config.kvCacheTokens()));
    }

    @Produces
    @Singleton
    Replica replica(ReplicaModel model, Vertx vertx) {
        return new Replica(model, System::nanoTime, new ReplicaTimer(vertx, System::nanoTime));
    }

    @Produces
    @Singleton
    ReplicaMetrics metrics(SimulatorConfig config, Replica replica) {
        return new ReplicaMetrics(config.modelName(), replica::load, config.kvCacheTokens());
    }

    @Produces
    @Singleton
    ReplyComposer replyComposer(SimulatorConfig config) {
        return new ReplyComposer(config.replyTokens());
    }

    @Produces
    @Singleton
    RequestLog requestLog(SimulatorConfig config) {
        return new RequestLog(config.recordedRequests());
    }

    @Produces
    @Singleton
    @DefaultBean
    ProcessHalt processHalt() {
        return reason -> {
            LOG.errorf("Simulated crash (%s): halting the process now", reason);
            Runtime.getRuntime().halt(CRASH_EXIT_STATUS);
        };
    }
}
