package com.ffs.validator.deploy;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/** The application's own settings as the container image and the manifests must match them. */
final class AppSettings {

    private final Properties properties = new Properties();

    AppSettings() throws IOException {
        try (Reader in = Files.newBufferedReader(Path.of("src/main/resources/application.properties"))) {
            properties.load(in);
        }
    }

    /** Quarkus's HTTP port (its default when not set). */
    int httpPort() {
        return Integer.parseInt(properties.getProperty("quarkus.http.port", "8080"));
    }

    /** The management interface's port, which serves health and metrics. */
    int managementPort() {
        if (!"true".equals(properties.getProperty("quarkus.management.enabled"))) {
            throw new AssertionError("quarkus.management.enabled must be true: health and metrics need their own port");
        }
        return Integer.parseInt(properties.getProperty("quarkus.management.port", "9000"));
    }

    /** Whether application.properties declares settings for {@code %profile}. */
    boolean hasProfile(String profile) {
        return properties.stringPropertyNames().stream().anyMatch(k -> k.startsWith("%" + profile + "."));
    }

    String get(String key) {
        return properties.getProperty(key);
    }
}
