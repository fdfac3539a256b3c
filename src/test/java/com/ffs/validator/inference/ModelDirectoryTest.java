package com.ffs.validator.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.ffs.validator.image.PreprocessorConfig;
import com.ffs.validator.image.Resample;

import ai.onnxruntime.OrtEnvironment;

/** Model directory parsing and the errors a broken directory gives. */
class ModelDirectoryTest {

    @TempDir
    Path root;

    static final ModelsConfig.Overrides NONE = new ImageInputOverride(Optional.empty());

    /** Per-model overrides that rename the image input at most. */
    record ImageInputOverride(Optional<String> imageInput) implements ModelsConfig.Overrides {
        public Optional<String> imageGraph() {
            return Optional.empty();
        }

        public Optional<String> imageOutput() {
            return Optional.empty();
        }

        public Optional<String> textGraph() {
            return Optional.empty();
        }

        public Optional<String> textInput() {
            return Optional.empty();
        }

        public Optional<String> textMaskInput() {
            return Optional.empty();
        }

        public Optional<String> textOutput() {
            return Optional.empty();
        }
    }

    @Test
    void shouldReadTheDemoLayout() {
        DemoModels.writeAll(root);
        ModelDirectory nsfw = ModelDirectory.read(root, ModelKind.NSFW, NONE);
        assertThat(nsfw.metadata().labels()).containsExactly("normal", "nsfw");
        assertThat(nsfw.metadata().demo()).isTrue();
        assertThat(nsfw.textGraph()).isEmpty();
        assertThat(nsfw.preprocessing().resample()).isEqualTo(Resample.BILINEAR);

        ModelDirectory clip = ModelDirectory.read(root, ModelKind.CLIP, NONE);
        assertThat(clip.metadata().logitScale()).contains(100.0);
        assertThat(clip.preprocessing().resizeMode()).isEqualTo(PreprocessorConfig.ResizeMode.SHORTEST_EDGE);
        assertThat(clip.preprocessing().centerCrop()).isTrue();
        assertThat(clip.tokenizer()).isPresent();

        ModelDirectory siglip = ModelDirectory.read(root, ModelKind.SIGLIP, NONE);
        assertThat(siglip.metadata().logitBias()).contains(-5.0);
        assertThat(siglip.metadata().textClean()).contains("canonicalize");
    }

    @Test
    void shouldNameAMissingPreprocessorConfig() throws IOException {
        DemoModels.writeAll(root);
        Path file = root.resolve("nsfw/preprocessor_config.json");
        Files.delete(file);
        assertThatThrownBy(() -> ModelDirectory.read(root, ModelKind.NSFW, NONE))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageStartingWith(file.toString())
                .hasMessageContaining("missing")
                .hasMessageContaining("image processor");
    }

    @Test
    void shouldNameAMissingModelFolder() {
        assertThatThrownBy(() -> ModelDirectory.read(root, ModelKind.CLIP, NONE))
                .hasMessageContaining(root.resolve("clip").toString())
                .hasMessageContaining("vision_model.onnx, text_model.onnx, tokenizer.json");
    }

    @Test
    void shouldNameInvalidJson() throws IOException {
        DemoModels.writeAll(root);
        Files.writeString(root.resolve("siglip/config.json"), "{ not json");
        assertThatThrownBy(() -> ModelDirectory.read(root, ModelKind.SIGLIP, NONE))
                .hasMessageStartingWith(root.resolve("siglip/config.json").toString())
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void shouldRequireLabelsForTheClassifier() throws IOException {
        DemoModels.writeAll(root);
        Files.writeString(root.resolve("nsfw/config.json"), "{}");
        assertThatThrownBy(() -> ModelDirectory.read(root, ModelKind.NSFW, NONE)).hasMessageContaining("id2label");
    }

    @Test
    void shouldNameABadPreprocessorValue() throws IOException {
        DemoModels.writeAll(root);
        Files.writeString(root.resolve("nsfw/preprocessor_config.json"),
                "{\"size\": {\"height\": 224, \"width\": 224}, \"resample\": 9}");
        assertThatThrownBy(() -> ModelDirectory.read(root, ModelKind.NSFW, NONE))
                .hasMessageContaining("preprocessor_config.json").hasMessageContaining("resample code 9");
    }

    @Test
    void shouldNameACorruptOnnxFileWhenTheSessionOpens() throws IOException {
        DemoModels.writeAll(root);
        Path graph = root.resolve("nsfw/model.onnx");
        Files.write(graph, "this is not a protobuf model".getBytes());
        ModelDirectory dir = ModelDirectory.read(root, ModelKind.NSFW, NONE);
        OrtSessions sessions = new OrtSessions(OrtEnvironment.getEnvironment(), TestConfigs.cpu(), 1);
        assertThatThrownBy(() -> sessions.open(dir.imageGraph()))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageStartingWith(graph.toString())
                .hasMessageContaining("not a loadable ONNX model");
    }

    @Test
    void demoGraphsShouldOpenInOnnxRuntime() {
        DemoModels.writeAll(root);
        OrtSessions sessions = new OrtSessions(OrtEnvironment.getEnvironment(), TestConfigs.cpu(), 1);
        for (String graph : new String[] { "nsfw/model.onnx", "clip/vision_model.onnx", "clip/text_model.onnx",
                "siglip/vision_model.onnx", "siglip/text_model.onnx" }) {
            try (OrtSessions.Loaded loaded = sessions.open(root.resolve(graph))) {
                assertThat(loaded.session().getNumOutputs()).isEqualTo(1);
            }
        }
    }
}
