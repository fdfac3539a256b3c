package com.ffs.validator.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * API keys switched on, for the tests of keys and of {@code bulk} against a keyed service: the service logs everything
 * at DEBUG to a file that the key tests read, and takes at most 8 images a request. Runtime configuration from a test
 * resource, not a test profile, so that the application is restarted, not built again.
 */
public class KeysTestResource implements QuarkusTestResourceLifecycleManager {

    /** The keys the service accepts. */
    public static final String ALPHA = "alpha-key-123";
    public static final String BETA = "beta-key-456";
    public static final String BULK = "bulk-test-key-1";
    /** The service's log file. */
    public static final String LOG = "target/api-keys-test.log";

    @Override
    public Map<String, String> start() {
        // Everything the service logs at DEBUG, except the test's own HTTP client (it runs in this JVM).
        return Map.of("validator.api.keys", String.join(",", ALPHA, BETA, BULK),
                "validator.request.max-images", "8",
                "quarkus.log.file.enabled", "true", "quarkus.log.file.path", LOG,
                "quarkus.log.level", "DEBUG", "quarkus.log.file.level", "DEBUG",
                "quarkus.log.category.\"org.apache.http\".level", "INFO");
    }

    @Override
    public void stop() {
    }
}
