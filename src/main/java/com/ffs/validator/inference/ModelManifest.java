package com.ffs.validator.inference;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.logging.Log;

/**
 * A model folder's {@code manifest.json}, written by the export: each file's sha256 and size, and where the model
 * came from. When present, every file it lists must match and every file the service reads must be listed;
 * otherwise the folder is refused, naming the file. A folder without a manifest loads as before.
 */
final class ModelManifest {

    static final String FILE = "manifest.json";

    private static final int BUFFER = 1 << 20;

    private ModelManifest() {
    }

    /** One listed file. */
    record Entry(String sha256, long bytes) {
    }

    /**
     * Verifies {@code folder} against its manifest, if it has one.
     *
     * @param used the files the service will read from the folder; each must be listed
     * @throws ModelLoadException naming the first file that is missing, unlisted or different
     */
    static void verify(Path folder, Collection<Path> used) {
        Path file = folder.resolve(FILE);
        if (!Files.exists(file)) {
            return;
        }
        long start = System.nanoTime();
        Map<String, Entry> entries = read(file);
        for (Path path : used) {
            if (!entries.containsKey(path.getFileName().toString())) {
                throw new ModelLoadException(path + ": not listed in " + file + "; the manifest must cover every file "
                        + "the service reads (re-export the model, or remove the manifest to load unverified files)");
            }
        }
        long bytes = 0;
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            Path listed = folder.resolve(e.getKey());
            if (!Files.isRegularFile(listed)) {
                throw new ModelLoadException(listed + ": listed in " + file + " but missing");
            }
            long size = size(listed);
            if (size != e.getValue().bytes()) {
                throw new ModelLoadException(listed + ": " + size + " bytes, but " + file + " lists "
                        + e.getValue().bytes() + "; the file changed after export (restore it or re-export)");
            }
            bytes += size;
        }
        // Hashing is the slow part (about 1 s per GB and core): the files of a folder are hashed in parallel.
        Map<String, String> actual = new ConcurrentHashMap<>();
        entries.keySet().parallelStream().forEach(name -> actual.put(name, sha256Unchecked(folder.resolve(name))));
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            if (!actual.get(e.getKey()).equals(e.getValue().sha256())) {
                throw new ModelLoadException(folder.resolve(e.getKey()) + ": sha256 " + actual.get(e.getKey())
                        + " does not match " + file + " (" + e.getValue().sha256() + "); the file changed after "
                        + "export (restore it or re-export)");
            }
        }
        Log.infof("Verified %d files (%d MB) of %s against %s in %d ms", entries.size(), bytes >> 20, folder, FILE,
                (System.nanoTime() - start) / 1_000_000);
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new ModelLoadException(file + ": unreadable (" + e.getMessage() + ")", e);
        }
    }

    private static String sha256Unchecked(Path file) {
        try {
            return sha256(file);
        } catch (IOException e) {
            throw new ModelLoadException(file + ": unreadable (" + e.getMessage() + ")", e);
        }
    }

    static Map<String, Entry> read(Path file) {
        JsonNode root = ModelDirectory.readJson(file);
        JsonNode files = root == null ? null : root.get("files");
        if (files == null || !files.isObject() || files.isEmpty()) {
            throw new ModelLoadException(file + ": expected {\"files\": {\"<name>\": {\"sha256\": ..., \"bytes\": ...}}}");
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = files.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.equals("..") || name.equals(".")) {
                throw new ModelLoadException(file + ": '" + name + "' is not a file name in the model folder");
            }
            JsonNode sha = e.getValue().get("sha256");
            JsonNode bytes = e.getValue().get("bytes");
            if (sha == null || !sha.isTextual() || !sha.asText().matches("[0-9a-f]{64}") || bytes == null
                    || !bytes.canConvertToLong() || bytes.asLong() < 0) {
                throw new ModelLoadException(file + ": entry '" + name + "' needs a lower-case hex \"sha256\" and "
                        + "\"bytes\"");
            }
            entries.put(name, new Entry(sha.asText(), bytes.asLong()));
        }
        return entries;
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
        byte[] buffer = new byte[BUFFER];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0;) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Files of the folder the service reads: those given plus the optional ones that exist. */
    static List<Path> used(List<Path> required, Path... optional) {
        List<Path> out = new ArrayList<>(required);
        for (Path p : optional) {
            if (Files.exists(p)) {
                out.add(p);
            }
        }
        return out;
    }
}
