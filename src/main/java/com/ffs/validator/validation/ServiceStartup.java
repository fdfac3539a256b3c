package com.ffs.validator.validation;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.ffs.validator.inference.ModelsConfig;

import io.quarkus.logging.Log;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.StartupEvent;

/**
 * Loads the models on a thread of its own once the application starts, so that the HTTP server, health probes and
 * RunPod's {@code /ping} answer while models load. A load failure is logged once with its reason and, unless
 * configured otherwise, ends the process so that the orchestrator restarts it.
 */
@ApplicationScoped
public class ServiceStartup {

    private final ServingState service;
    private final ModelsConfig modelsConfig;
    private final CodesCheck codes;

    public ServiceStartup(ServingState service, ModelsConfig modelsConfig, CodesCheck codes) {
        this.service = service;
        this.modelsConfig = modelsConfig;
        this.codes = codes;
    }

    void onStart(@Observes StartupEvent event) {
        Thread.ofPlatform().name("model-loader").daemon(true).start(this::load);
    }

    private void load() {
        long start = System.nanoTime();
        warmUpCodeScan();
        try {
            service.start();
            Log.infof("ffs-validator ready: models loaded and warmed in %d ms", (System.nanoTime() - start) / 1_000_000);
        } catch (RuntimeException | LinkageError e) {
            // LinkageError too: a native library that cannot load must be reported, not kill this thread silently.
            Log.errorf("Models failed to load: %s", e.getMessage());
            Log.debug("Model load failure", e);
            if (modelsConfig.exitOnFailure()) {
                Quarkus.asyncExit(1);
            }
        }
    }

    /** The code scanner's first scan loads and compiles its readers; done here, callers' scans keep their time. */
    private void warmUpCodeScan() {
        long start = System.nanoTime();
        try {
            codes.warmUp();
            Log.debugf("Code scanner warmed in %d ms", (System.nanoTime() - start) / 1_000_000);
        } catch (RuntimeException e) {
            Log.warnf("The code scanner's warm-up failed (%s); the first scans may be cut short by their time limit",
                    e.getMessage());
        }
    }
}
