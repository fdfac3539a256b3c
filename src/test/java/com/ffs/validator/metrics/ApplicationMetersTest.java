package com.ffs.validator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.runtime.ShutdownEvent;

class ApplicationMetersTest {

    @Test
    void aStoppedApplicationsGaugesShouldLeaveSoThatTheNextOnesAreRead() {
        // One registry for two applications in a row, as for the Quarkus applications tests start in one JVM.
        MeterRegistry registry = new SimpleMeterRegistry();
        AtomicInteger first = new AtomicInteger(3);
        Gauge.builder(MetricNames.IMAGES_IN_FLIGHT, first, AtomicInteger::get).register(registry);
        Gauge.builder("jvm.threads.live", () -> 7).register(registry);

        new ApplicationMeters(registry).onStop(new ShutdownEvent());

        assertThat(registry.find(MetricNames.IMAGES_IN_FLIGHT).gauge()).isNull();
        assertThat(registry.find("jvm.threads.live").gauge()).as("meters that are not this service's stay")
                .isNotNull();
        AtomicInteger second = new AtomicInteger(5);
        Gauge.builder(MetricNames.IMAGES_IN_FLIGHT, second, AtomicInteger::get).register(registry);
        assertThat(registry.get(MetricNames.IMAGES_IN_FLIGHT).gauge().value()).isEqualTo(5);
    }

    @Test
    void everyMetricNameShouldCarryThePrefixThatIsRemoved() throws IllegalAccessException {
        for (Field field : MetricNames.class.getFields()) {
            if (field.getType() == String.class && !field.getName().startsWith("TAG_")) {
                assertThat((String) field.get(null)).as(field.getName()).startsWith(ApplicationMeters.PREFIX);
            }
        }
    }
}
