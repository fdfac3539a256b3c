package com.ffs.validator.metrics;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;

/**
 * Takes this service's meters out of the registry when the application stops. The Quarkus applications that tests
 * start one after another in a JVM share Micrometer's global registry, which keeps the first meter of a name: a gauge
 * left there would go on reading a stopped application's objects in place of the running one's. (A dev-mode live
 * reload starts with a fresh registry.)
 */
@Singleton
public class ApplicationMeters {

    /** The prefix of every name in {@link MetricNames}. */
    static final String PREFIX = "validator.";

    private final MeterRegistry registry;

    ApplicationMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    void onStop(@Observes ShutdownEvent event) {
        for (Meter meter : registry.getMeters()) {
            if (meter.getId().getName().startsWith(PREFIX)) {
                registry.remove(meter);
            }
        }
    }
}
