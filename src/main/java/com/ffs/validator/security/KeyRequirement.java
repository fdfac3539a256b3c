package com.ffs.validator.security;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;

/**
 * Refuses to start an API without keys unless anonymous access was chosen on purpose: the pod profile sets
 * {@code validator.api.allow-anonymous=false}, so a pod whose Secret is missing or empty ends at start-up with a
 * message naming both settings instead of serving an open API.
 */
@ApplicationScoped
public class KeyRequirement {

    /** Runs before any other start-up work (model loading among it), so a refusal is the only thing logged. */
    void check(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event, ApiKeys keys,
            ApiKeysConfig config) {
        String problem = problem(keys.required(), config.allowAnonymous());
        if (problem != null) {
            Log.error(problem);
            throw new IllegalStateException(problem);
        }
    }

    /** Says how the API is guarded, after the other start-up observers (the log format among them) have run. */
    void report(@Observes @Priority(Interceptor.Priority.APPLICATION + 1000) StartupEvent event, ApiKeys keys) {
        if (keys.required()) {
            Log.infof("API keys required on API routes (%d key(s) configured)", keys.count());
        } else {
            Log.info("API routes are open: no validator.api.keys configured (validator.api.allow-anonymous=true)");
        }
    }

    /** Why the service must not start with these settings, or null. */
    static String problem(boolean keysConfigured, boolean allowAnonymous) {
        if (keysConfigured || allowAnonymous) {
            return null;
        }
        return "No API keys configured: set validator.api.keys (env VALIDATOR_API_KEYS, comma-separated Bearer "
                + "keys, e.g. from a Secret), or set validator.api.allow-anonymous=true "
                + "(env VALIDATOR_API_ALLOW_ANONYMOUS=true) to serve the API without keys on purpose";
    }
}
