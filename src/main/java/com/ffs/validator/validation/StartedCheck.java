package com.ffs.validator.validation;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Startup;

/** Started once models are loaded; a startup probe gives loading its own, longer budget. */
@Startup
@ApplicationScoped
public class StartedCheck implements HealthCheck {

    private final ValidationService service;

    public StartedCheck(ValidationService service) {
        this.service = service;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("models-loaded").status(service.ready()).build();
    }
}
