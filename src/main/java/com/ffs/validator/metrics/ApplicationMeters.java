package com.ffs.validator.metrics;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;

/**
 * Takes this service's meters out of the registry when the application stops. Quarkus's registry outlives one
 * application (a dev-mode live reload, the restarts between test classes), and it keeps the first meter of a name: a
 * gauge left there would go on reading the stopped application's objects in place of the next application's.
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
