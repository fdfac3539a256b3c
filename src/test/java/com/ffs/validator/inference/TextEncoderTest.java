package com.ffs.validator.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Token ids from tokenizer.json: special tokens, truncation that keeps the end token, the tokenizer's pad id. */
class TextEncoderTest {

    @TempDir
    Path root;

    @Test
    void shouldPadToTheGraphLengthWithTheTokenizersPadId() {
        DemoModels.writeAll(root);
        List<String> vocab = DemoModels.vocabulary();
        try (TextEncoder encoder = new TextEncoder(root.resolve("siglip/tokenizer.json"), 64, null,
                TextCleaner.CANONICALIZE)) {
            TextEncoder.Batch batch = encoder.encode(List.of("A photo of a DRESS!", "t-shirt"));
            assertThat(batch.length()).isEqualTo(64);
            long[] first = Arrays.copyOfRange(batch.ids(), 0, 64);
            assertThat(Arrays.copyOfRange(first, 0, 6)).containsExactly(vocab.indexOf("a"), vocab.indexOf("photo"),
                    vocab.indexOf("of"), vocab.indexOf("a"), vocab.indexOf("dress"), DemoModels.EOS_ID);
            // SigLIP pads with the end token (pad id 1), as its tokenizer.json says
            assertThat(Arrays.copyOfRange(first, 6, 64)).containsOnly((long) DemoModels.EOS_ID);
            assertThat(Arrays.copyOfRange(batch.mask(), 0, 8)).containsExactly(1, 1, 1, 1, 1, 1, 0, 0);
            // canonicalize removes the hyphen: "tshirt" is one word
            assertThat(batch.ids()[64]).isEqualTo(vocab.indexOf("tshirt"));
        }
    }

    @Test
    void shouldKeepTheEndTokenLastWhenTruncating() {
        DemoModels.writeAll(root);
        try (TextEncoder encoder = new TextEncoder(root.resolve("clip/tokenizer.json"), 8, null, TextCleaner.NONE)) {
            TextEncoder.Batch batch = encoder.encode(List.of("dress ".repeat(20)));
            assertThat(batch.ids()).hasSize(8);
            assertThat(batch.ids()[7]).isEqualTo(DemoModels.EOS_ID);
            assertThat(batch.ids()[6]).isEqualTo(DemoModels.vocabulary().indexOf("dress"));
            assertThat(encoder.padId()).isEqualTo(DemoModels.PAD_ID);
        }
    }

    @Test
    void shouldPadToTheLongestTextWhenTheSequenceAxisIsDynamic() throws Exception {
        DemoModels.writeAll(root);
        // a tokenizer.json without a fixed padding length, and a graph with a dynamic sequence axis
        Path tok = root.resolve("clip/tokenizer.json");
        String json = Files.readString(tok).replaceAll("\"Fixed\"\\s*:\\s*77", "\"BatchLongest\": null");
        Files.writeString(tok, json.replace("\"strategy\" : {\n      \"BatchLongest\" : null\n    }",
                "\"strategy\" : \"BatchLongest\""));
        try (TextEncoder encoder = new TextEncoder(tok, -1, null, TextCleaner.NONE)) {
            TextEncoder.Batch batch = encoder.encode(List.of("dress", "a photo of shoes"));
            assertThat(batch.length()).isEqualTo(5);
            assertThat(batch.ids()[2]).isEqualTo(DemoModels.PAD_ID);
        }
    }
}
