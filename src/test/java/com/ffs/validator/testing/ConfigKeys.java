package com.ffs.validator.testing;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import io.smallrye.config.ConfigMapping;

/** Every validator.* property, read from the compiled @ConfigMapping interfaces (per-model groups as {@code <model>}). */
public final class ConfigKeys {

    private static final Set<String> PER_MODEL = Set.of("nsfw", "clip", "siglip");

    private ConfigKeys() {
    }

    public static List<String> all() throws IOException, ClassNotFoundException {
        List<String> keys = new ArrayList<>();
        Path classes = Path.of("target/classes");
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> type = Class.forName(name, false, ConfigKeys.class.getClassLoader());
                ConfigMapping mapping = type.getAnnotation(ConfigMapping.class);
                if (mapping != null) {
                    collect(type, mapping.prefix(), keys);
                }
            }
        }
        return keys.stream().distinct().toList();
    }

    private static void collect(Class<?> type, String prefix, List<String> keys) {
        for (Method m : type.getMethods()) {
            if (m.isDefault() || Modifier.isStatic(m.getModifiers()) || m.getParameterCount() > 0) {
                continue;
            }
            String segment = m.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
            String key = prefix + "." + (PER_MODEL.contains(segment) ? "<model>" : segment);
            Class<?> r = m.getReturnType();
            if (r.isInterface() && r.getName().startsWith("com.ffs")) {
                collect(r, key, keys);
            } else {
                keys.add(key);
            }
        }
    }
}
