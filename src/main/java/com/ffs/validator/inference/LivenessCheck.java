package com.ffs.validator.inference;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/** Alive unless the engine has failed beyond repair, where only a restart helps. Never runs inference. */
@Liveness
@ApplicationScoped
public class LivenessCheck implements HealthCheck {

    private final InferenceEngine engine;

    public LivenessCheck(InferenceEngine engine) {
        this.engine = engine;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("engine").status(engine.state() != EngineState.FAILED)
                .withData("state", engine.state().name()).build();
    }
}
