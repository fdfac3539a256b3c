package com.ffs.validator.validation;

import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.ffs.validator.inference.InferenceEngine;
import com.ffs.validator.inference.ModelKind;
import com.ffs.validator.metrics.MetricNames;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The service's admission: {@link AdmissionControl}'s rule on the engine's measured rates, its metrics, and its
 * refusals in the API's terms (503 {@code OVERLOADED} with the expected wait and an honest {@code Retry-After}).
 */
@ApplicationScoped
public class ServiceAdmission {

    private final AdmissionControl control;
    private final MeterRegistry registry;

    @Inject
    public ServiceAdmission(InferenceEngine engine, RequestConfig config, MeterRegistry registry) {
        this(new AdmissionControl(new AdmissionControl.Costs() {
            @Override
            public long nanosPerImage(ModelKind kind) {
                return engine.nanosPerImage(kind);
            }

            @Override
            public int parallelism() {
                return engine.concurrentRuns();
            }
        }, config.maxInFlightImages(), config.maxQueueTime()), registry);
    }

    ServiceAdmission(AdmissionControl control, MeterRegistry registry) {
        this.control = control;
        this.registry = registry;
        for (ModelKind kind : ModelKind.values()) {
            Gauge.builder(MetricNames.EXPECTED_WAIT, control, c -> c.expectedWait(kind).toNanos() / 1e9)
                    .tag(MetricNames.TAG_MODEL, kind.id()).baseUnit("seconds").register(registry);
        }
        Gauge.builder(MetricNames.ADMISSION_WAITING, control, AdmissionControl::waiting).register(registry);
    }

    /**
     * Admits a request's images: at once or refused ({@link Admission#REJECT_WHEN_BUSY}), or queued until the work
     * ahead has drained ({@link Admission#WAIT_WHEN_BUSY}; cancelling the future withdraws the request).
     *
     * @throws UnavailableException {@code OVERLOADED} when refused, with the expected wait and Retry-After
     */
    CompletableFuture<AdmissionControl.Ticket> admit(int images, Set<ModelKind> models, Admission mode) {
        try {
            if (mode == Admission.REJECT_WHEN_BUSY) {
                AdmissionControl.Ticket ticket = control.admitNow(images, models);
                count("admitted", "none");
                return CompletableFuture.completedFuture(ticket);
            }
            CompletableFuture<AdmissionControl.Ticket> ticket = control.admitWhenPossible(images, models);
            count(ticket.isDone() ? "admitted" : "queued", "none");
            return ticket;
        } catch (AdmissionControl.Refused r) {
            count("refused", r.reason().name().toLowerCase(Locale.ROOT));
            throw new UnavailableException(UnavailableException.Reason.OVERLOADED, refusalMessage(r), r.retryAfter());
        }
    }

    private String refusalMessage(AdmissionControl.Refused r) {
        return switch (r.reason()) {
            case EXPECTED_WAIT -> String.format(Locale.ROOT, "busy: these images would wait about %.1f s, "
                    + "more than the %d s this service admits (validator.request.max-queue-time); retry in about %d s",
                    r.expectedWait().toNanos() / 1e9, control.maxQueueTime().toSeconds(), r.retryAfter().toSeconds());
            case IMAGE_CAP -> "busy: as many images as this service holds at once are in flight "
                    + "(validator.request.max-in-flight-images); retry in about " + r.retryAfter().toSeconds() + " s";
            case QUEUE_FULL -> "busy: " + AdmissionControl.MAX_WAITING + " requests already wait for admission; "
                    + "retry in about " + r.retryAfter().toSeconds() + " s";
        };
    }

    /** How long newly admitted work would wait now; the RunPod worker takes no job it could not finish in time. */
    public Duration expectedWait() {
        return control.expectedWait();
    }

    /** Images admitted and not yet done. */
    public int imagesInFlight() {
        return control.images();
    }

    private void count(String outcome, String reason) {
        registry.counter(MetricNames.ADMISSION_REQUESTS, MetricNames.TAG_OUTCOME, outcome, MetricNames.TAG_REASON,
                reason).increment();
    }
}
