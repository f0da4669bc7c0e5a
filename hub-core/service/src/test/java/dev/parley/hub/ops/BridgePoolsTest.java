package dev.parley.hub.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BridgePoolsTest {

    @Test
    void eachBridgesPoolIsShownAndABridgeThatDoesNotAnswerSaysSo() throws Exception {
        HttpServer bridge = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        byte[] pool = ("{\"capacity\":64,\"inFlight\":12,\"fallbackConfigured\":false,\"replicas\":[{\"id\":"
                + "\"http://10.0.0.11:8000/v1\",\"ready\":true,\"coolingDown\":false}]}").getBytes(StandardCharsets.UTF_8);
        bridge.createContext("/pool", exchange -> {
            exchange.sendResponseHeaders(200, pool.length);
            exchange.getResponseBody().write(pool);
            exchange.close();
        });
        bridge.start();
        try {
            String up = "http://127.0.0.1:" + bridge.getAddress().getPort();
            List<Map<String, Object>> read = new BridgePools(new ObjectMapper(), List.of(up, "http://127.0.0.1:9"))
                    .read();

            assertThat(read).hasSize(2);
            assertThat(read.get(0)).containsEntry("bridge", up).containsEntry("capacity", 64)
                    .containsEntry("inFlight", 12);
            assertThat(read.get(0).get("replicas").toString()).contains("10.0.0.11");
            assertThat(read.get(1)).containsEntry("bridge", "http://127.0.0.1:9").containsKey("error");
        } finally {
            bridge.stop(0);
        }
        assertThat(new BridgePools(new ObjectMapper(), List.of()).configured()).isFalse();
    }
}
