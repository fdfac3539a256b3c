package com.ffs.validator.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import com.ffs.validator.inference.DemoModels;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A model directory whose SigLIP reference outputs no longer match what the service computes: the demo models with
 * the first value of the first SigLIP sample's reference changed. The process stays up so that tests can read its
 * readiness.
 */
public class DriftingModelsTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        try {
            Path dir = Files.createTempDirectory("ffs-validator-drift");
            DemoModels.writeAll(dir);
            Path references = dir.resolve("siglip/reference_outputs.json");
            String json = Files.readString(references);
            int at = json.indexOf("\"output\" : [ ") + "\"output\" : [ ".length();
            Files.writeString(references, json.substring(0, at) + "-40.0, " + json.substring(json.indexOf(',', at) + 1));
            Map<String, String> config = new HashMap<>(Readiness.packagedManagementPort());
            config.putAll(Map.of("validator.models.dir", dir.toString(), "validator.inference.device", "cpu",
                    "validator.models.exit-on-failure", "false"));
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
    }
}
