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
 * A model directory in the exported layout for tests of the packaged jar: the demo graphs without their demo marker,
 * standing in for real exports (which cannot be downloaded here). Also serves test images and lets the prod profile
 * fetch them from loopback.
 */
public class ExportedModelsTestResource implements QuarkusTestResourceLifecycleManager {

    private final ImageServerTestResource images = new ImageServerTestResource();

    @Override
    public Map<String, String> start() {
        try {
            Path dir = Files.createTempDirectory("ffs-validator-it-models");
            DemoModels.writeAll(dir);
            for (String model : new String[] { "nsfw", "clip", "siglip" }) {
                Path config = dir.resolve(model).resolve("config.json");
                Files.writeString(config, Files.readString(config).replace("\"ffs_demo\" : true", "\"ffs_demo\" : false")
                        .replace("demo/", "exported/"));
            }
            Map<String, String> config = new HashMap<>(images.start());
            config.putAll(Readiness.packagedManagementPort());
            config.put("validator.models.dir", dir.toString());
            config.put("validator.inference.device", "cpu");
            config.put("validator.fetch.allow-private", "true");
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        images.stop();
    }
}
