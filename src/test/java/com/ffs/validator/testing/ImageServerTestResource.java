package com.ffs.validator.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Starts the {@link ImageServer} for {@code @QuarkusTest} classes; its base URL is config key {@code test.images}. */
public class ImageServerTestResource implements QuarkusTestResourceLifecycleManager {

    private static ImageServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = new ImageServer();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("test.images", server.baseUrl());
    }

    /** The running server. */
    public static ImageServer server() {
        return server;
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}
