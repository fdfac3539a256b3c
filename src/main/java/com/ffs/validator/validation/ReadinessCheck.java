package com.ffs.validator.validation;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import com.ffs.validator.inference.InferenceEngine;
import com.ffs.validator.inference.ModelStatus;

/** Ready when every model is loaded and warmed and the checks are prepared; data describes each model. */
@Readiness
@ApplicationScoped
public class ReadinessCheck implements HealthCheck {

    private final ValidationService service;
    private final InferenceEngine engine;

    public ReadinessCheck(ValidationService service, InferenceEngine engine) {
        this.service = service;
        this.engine = engine;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("models").status(service.ready())
                .withData("state", engine.state().name());
        service.failure().ifPresent(f -> b.withData("failure", f));
        for (ModelStatus m : engine.status()) {
            String k = m.kind().id();
            b.withData(k + ".name", m.name())
                    .withData(k + ".provider", m.provider())
                    .withData(k + ".demo", m.demo())
                    .withData(k + ".load_ms", m.loadMillis());
        }
        service.referenceChecks().forEach((kind, summary) -> b.withData(kind.id() + ".reference_check", summary));
        return b.build();
    }
}
