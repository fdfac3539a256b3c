package com.ffs.validator.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** manifest.json: a folder that matches loads, a changed, missing or unlisted file is refused by name. */
class ModelManifestTest {

    @TempDir
    Path root;

    private Path siglip;

    @BeforeEach
    void models() throws Exception {
        DemoModels.writeAll(root);
        siglip = root.resolve("siglip");
        writeManifest(siglip);
    }

    /** A manifest as the export writes it: every file but itself, sha256 and size. */
    static void writeManifest(Path folder) throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode manifest = json.createObjectNode();
        manifest.put("format", "ffs-validator.manifest/1");
        manifest.putObject("source").put("model", "demo/marqo-fashionSigLIP").put("revision", "test");
        ObjectNode files = manifest.putObject("files");
        try (Stream<Path> list = Files.list(folder)) {
            for (Path p : list.sorted().toList()) {
                if (!p.getFileName().toString().equals("manifest.json")) {
                    byte[] bytes = Files.readAllBytes(p);
                    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
                    files.putObject(p.getFileName().toString()).put("sha256", sha).put("bytes", bytes.length);
                }
            }
        }
        json.writeValue(folder.resolve("manifest.json").toFile(), manifest);
    }

    private ModelDirectory read() {
        return ModelDirectory.read(root, ModelKind.SIGLIP, ModelDirectoryTest.NONE);
    }

    @Test
    void shouldLoadAFolderThatMatchesItsManifest() {
        assertThat(read().metadata().logitBias()).contains(-5.0);
    }

    @Test
    void shouldRefuseATamperedGraphNamingItAndBothChecksums() throws IOException {
        Path graph = siglip.resolve("vision_model.onnx");
        byte[] bytes = Files.readAllBytes(graph);
        bytes[bytes.length - 1] ^= 0x01; // same size, one bit changed
        Files.write(graph, bytes);
        assertThatThrownBy(this::read)
                .isInstanceOf(ModelLoadException.class)
                .hasMessageStartingWith(graph + ": sha256 ")
                .hasMessageContaining("does not match " + siglip.resolve("manifest.json"))
                .hasMessageContaining("changed after export");
    }

    @Test
    void shouldRefuseAFileOfAnotherSize() throws IOException {
        Path config = siglip.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace("-5.0", "-50.0"));
        assertThatThrownBy(this::read).hasMessageStartingWith(config + ":").hasMessageContaining("bytes");
    }

    @Test
    void shouldRefuseAMissingListedFile() throws IOException {
        Path extra = siglip.resolve("notes.txt");
        Files.writeString(extra, "exported by hand");
        writeManifestQuietly();
        Files.delete(extra);
        assertThatThrownBy(this::read).hasMessage(extra + ": listed in " + siglip.resolve("manifest.json")
                + " but missing");
    }

    @Test
    void shouldRefuseAFileTheServiceReadsButTheManifestDoesNotList() throws IOException {
        Path manifest = siglip.resolve("manifest.json");
        Files.writeString(manifest, Files.readString(manifest).replaceFirst("\"tokenizer.json\"", "\"tokenizer.old\""));
        assertThatThrownBy(this::read).hasMessageStartingWith(siglip.resolve("tokenizer.json") + ": not listed in");
    }

    @Test
    void shouldRefuseEntriesOutsideTheFolder() throws IOException {
        Path manifest = siglip.resolve("manifest.json");
        Files.writeString(manifest, Files.readString(manifest).replaceFirst("\"notes", "\"x")
                .replaceFirst("\"config.json\"", "\"../nsfw/config.json\""));
        assertThatThrownBy(this::read).hasMessageContaining("is not a file name in the model folder");
    }

    @Test
    void shouldLoadAFolderWithoutAManifestAsBefore() throws IOException {
        Files.delete(siglip.resolve("manifest.json"));
        Files.writeString(siglip.resolve("config.json"), Files.readString(siglip.resolve("config.json")));
        assertThatCode(this::read).doesNotThrowAnyException();
    }

    @Test
    void shouldCoverTheReferenceOutputsWhenPresent() throws IOException {
        Path references = siglip.resolve("reference_outputs.json");
        assertThat(references).exists();
        Files.writeString(references, Files.readString(references).replace("gradient", "gradiant"));
        assertThatThrownBy(this::read).hasMessageStartingWith(references + ": sha256");
    }

    @Test
    void sha256ShouldMatchAKnownDigest() throws IOException {
        Path file = root.resolve("abc.txt");
        Files.writeString(file, "abc");
        assertThat(ModelManifest.sha256(file))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(List.of(ModelManifest.FILE)).containsExactly("manifest.json");
    }

    private void writeManifestQuietly() {
        try {
            writeManifest(siglip);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
