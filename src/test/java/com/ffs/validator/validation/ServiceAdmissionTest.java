package com.ffs.validator.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import com.ffs.validator.inference.ModelKind;
import com.ffs.validator.metrics.MetricNames;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** Refusals in the API's terms: 503 OVERLOADED with the expected wait in words and an honest Retry-After; metrics. */
class ServiceAdmissionTest {

    @Test
    void shouldRefuseWithTheExpectedWaitAndRetryAfterAndCountIt() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AdmissionControl control = new AdmissionControl(new AdmissionControlTest.FakeDevice(250, 0, 0), 256,
                Duration.ofSeconds(10));
        ServiceAdmission admission = new ServiceAdmission(control, registry);
        admission.admit(40, Set.of(ModelKind.NSFW), Admission.REJECT_WHEN_BUSY);

        // 10 s admitted; 8 more images at 250 ms wait 12 s: 2 s over.
        assertThatThrownBy(() -> admission.admit(8, Set.of(ModelKind.NSFW), Admission.REJECT_WHEN_BUSY))
                .isInstanceOfSatisfying(UnavailableException.class, e -> {
                    assertThat(e.reason()).isEqualTo(UnavailableException.Reason.OVERLOADED);
                    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(2));
                    assertThat(e.getMessage()).contains("would wait about 12.0 s", "more than the 10 s",
                            "validator.request.max-queue-time", "retry in about 2 s");
                });
        CompletableFuture<AdmissionControl.Ticket> queued = admission.admit(8, Set.of(ModelKind.NSFW),
                Admission.WAIT_WHEN_BUSY);
        assertThat(queued).isNotDone();

        assertThat(registry.get(MetricNames.ADMISSION_REQUESTS).tag("outcome", "admitted").counter().count())
                .isEqualTo(1);
        assertThat(registry.get(MetricNames.ADMISSION_REQUESTS).tag("outcome", "refused")
                .tag("reason", "expected_wait").counter().count()).isEqualTo(1);
        assertThat(registry.get(MetricNames.ADMISSION_REQUESTS).tag("outcome", "queued").counter().count())
                .isEqualTo(1);
        assertThat(registry.get(MetricNames.EXPECTED_WAIT).tag("model", "nsfw").gauge().value()).isEqualTo(10.0);
        assertThat(registry.get(MetricNames.ADMISSION_WAITING).gauge().value()).isEqualTo(1.0);
    }
}
