package com.ffs.validator.runpod;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A load-balancing worker (PORT set, no queue variables) whose health path is polled on a port of its own. Runtime
 * configuration from a test resource, not a test profile, so that the application is restarted, not built again.
 */
public class LoadBalancingTestResource implements QuarkusTestResourceLifecycleManager {

    static final int HEALTH_PORT = freePort();

    @Override
    public Map<String, String> start() {
        return Map.of(
                "validator.runpod.worker", "true",
                "PORT", "0",
                "PORT_HEALTH", Integer.toString(HEALTH_PORT));
    }

    @Override
    public void stop() {
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
