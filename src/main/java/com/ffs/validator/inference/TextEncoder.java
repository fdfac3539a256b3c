package com.ffs.validator.inference;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;

/**
 * Token ids for a text tower from its Hugging Face {@code tokenizer.json}: special tokens added, cut to the model's
 * sequence length keeping the end-of-text token last, padded with the tokenizer's pad id.
 */
final class TextEncoder implements AutoCloseable {

    /** Ids and mask for a batch, row-major {@code [count, length]}. */
    record Batch(long[] ids, long[] mask, int count, int length) {
    }

    private final HuggingFaceTokenizer tokenizer;
    private final int fixedLength;
    private final int padId;
    private final TextCleaner cleaner;

    /**
     * @param fixedLength the graph's sequence length, or -1 when its axis is dynamic (then the tokenizer's fixed
     *        padding length, else the longest text in the batch)
     */
    TextEncoder(Path tokenizerJson, int fixedLength, Integer configPadId, TextCleaner cleaner) {
        JsonNode padding;
        try {
            padding = new ObjectMapper().readTree(tokenizerJson.toFile()).path("padding");
            // Padding and truncation are applied here, so the tokenizer's own settings cannot disagree with the graph.
            this.tokenizer = HuggingFaceTokenizer.newInstance(tokenizerJson,
                    Map.of("addSpecialTokens", "true", "padding", "false", "truncation", "false"));
        } catch (IOException | RuntimeException e) {
            throw new ModelLoadException(tokenizerJson + ": not a loadable Hugging Face tokenizer (" + e.getMessage()
                    + ")", e);
        }
        int tokenizerLength = padding.path("strategy").path("Fixed").asInt(-1);
        this.fixedLength = fixedLength > 0 ? fixedLength : tokenizerLength;
        this.padId = padding.has("pad_id") ? padding.get("pad_id").asInt()
                : configPadId != null ? configPadId : 0;
        this.cleaner = cleaner;
    }

    int padId() {
        return padId;
    }

    Batch encode(List<String> texts) {
        long[][] rows = new long[texts.size()][];
        int longest = 1;
        for (int i = 0; i < texts.size(); i++) {
            Encoding encoding = tokenizer.encode(cleaner.clean(texts.get(i)));
            rows[i] = encoding.getIds();
            longest = Math.max(longest, rows[i].length);
        }
        int length = fixedLength > 0 ? fixedLength : longest;
        long[] ids = new long[texts.size() * length];
        long[] mask = new long[texts.size() * length];
        for (int i = 0; i < rows.length; i++) {
            long[] row = rows[i];
            int kept = Math.min(row.length, length);
            System.arraycopy(row, 0, ids, i * length, kept);
            if (row.length > length && length > 0) {
                // Keep the end-of-text token last, as CLIP's and T5's truncation do.
                ids[i * length + length - 1] = row[row.length - 1];
            }
            for (int j = 0; j < length; j++) {
                if (j >= kept) {
                    ids[i * length + j] = padId;
                }
                mask[i * length + j] = j < kept ? 1 : 0;
            }
        }
        return new Batch(ids, mask, texts.size(), length);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
