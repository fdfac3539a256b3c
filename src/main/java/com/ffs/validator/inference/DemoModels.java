package com.ffs.validator.inference;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.ffs.validator.image.PreprocessorConfig;

/**
 * Generates tiny demo models, in the model directory layout and with the real models' input and output contract,
 * whose outputs follow simple rules that tests can assert (no Python, no downloads):
 * <ul>
 * <li>nsfw: logit(nsfw) - logit(normal) = 3R - 1.5G - 1.5B - 1 over the image's mean channels in [-1, 1], so a red
 * image scores high and white, black, green or blue images score low;</li>
 * <li>clip: the image embedding points along (G - B, B - G); fashion words of the demo vocabulary point along the
 * first axis and other nouns along the second, so green images are "fashion" and blue images are not;</li>
 * <li>siglip: a fixed random projection of the mean colour to 768 dimensions, so similar colours give similar
 * embeddings; text embeddings are sums of fixed random word vectors.</li>
 * </ul>
 * Each {@code config.json} carries {@code "ffs_demo": true}, so the service reports demo models as such, and each
 * folder has a {@code reference_outputs.json}, so demo start-ups run the reference check too.
 */
public final class DemoModels {

    static final int CLIP_DIM = 512;
    static final int SIGLIP_DIM = 768;
    static final int CLIP_TEXT_LENGTH = 77;
    static final int SIGLIP_TEXT_LENGTH = 64;
    static final int IMAGE_SIZE = 224;

    static final List<String> SPECIAL_TOKENS = List.of("<pad>", "</s>", "<unk>", "<s>");
    static final int PAD_ID = 0;
    static final int EOS_ID = 1;

    static final List<String> FASHION_WORDS = List.of("fashion", "clothing", "clothes", "apparel", "garment",
            "outfit", "dress", "dresses", "skirt", "shirt", "tshirt", "t", "blouse", "top", "sweater", "hoodie",
            "jacket", "coat", "trousers", "pants", "jeans", "shorts", "suit", "lingerie", "swimwear", "shoes", "shoe",
            "sneakers", "boots", "sandals", "heels", "handbag", "bag", "bags", "backpack", "purse", "wallet",
            "jewelry", "jewellery", "necklace", "ring", "earrings", "bracelet", "watch", "sunglasses", "hat", "cap",
            "scarf", "belt", "accessory", "accessories", "wearing", "worn", "model", "runway", "streetwear");
    static final List<String> OTHER_WORDS = List.of("food", "meal", "dish", "drink", "landscape", "mountain",
            "beach", "sky", "nature", "animal", "animals", "dog", "cat", "bird", "pet", "car", "vehicle", "truck",
            "bicycle", "motorcycle", "furniture", "sofa", "chair", "table", "bed", "building", "house", "city",
            "interior", "room", "screenshot", "document", "text", "paper", "receipt", "chart", "diagram",
            "electronics", "phone", "computer", "laptop", "plant", "plants", "flower", "flowers", "tree", "kitchen",
            "appliance", "meme", "cartoon", "drawing", "toy", "toys", "sports", "game", "logo", "abstract",
            "pattern", "tools", "book", "books");
    static final List<String> FUNCTION_WORDS = List.of("a", "an", "the", "of", "or", "and", "on", "in", "with",
            "photo", "picture", "image", "product", "person", "people", "someone", "posing", "close", "up", "for",
            "is", "this", "that", "some", "pair", "woman", "man");

    private static final ObjectMapper JSON = new ObjectMapper();

    private DemoModels() {
    }

    /** Writes {@code nsfw/}, {@code clip/} and {@code siglip/} under {@code root}. */
    public static void writeAll(Path root) {
        try {
            writeNsfw(Files.createDirectories(root.resolve(ModelKind.NSFW.id())));
            writeClip(Files.createDirectories(root.resolve(ModelKind.CLIP.id())));
            writeSiglip(Files.createDirectories(root.resolve(ModelKind.SIGLIP.id())));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write demo models under " + root, e);
        }
    }

    /** The demo vocabulary, in id order: special tokens, then fashion, other and function words. */
    static List<String> vocabulary() {
        List<String> vocab = new ArrayList<>(SPECIAL_TOKENS);
        vocab.addAll(FASHION_WORDS);
        vocab.addAll(OTHER_WORDS);
        vocab.addAll(FUNCTION_WORDS);
        return vocab;
    }

    private static void writeNsfw(Path dir) throws IOException {
        // Rows are the mean R, G, B; columns the logits of normal and nsfw.
        float[] w = { 0f, 3f, 0f, -1.5f, 0f, -1.5f };
        float[] b = { 0f, -1f };
        byte[] graph = colourProjection("demo-nsfw", w, b, 2, "logits");
        Files.write(dir.resolve("model.onnx"), graph);
        ObjectNode config = demoConfig("demo/nsfw_image_detection");
        config.putObject("id2label").put("0", "normal").put("1", "nsfw");
        writeJson(dir.resolve(ModelDirectory.CONFIG), config);
        ObjectNode pre = JSON.createObjectNode();
        pre.put("image_processor_type", "ViTImageProcessor").put("do_resize", true);
        pre.putObject("size").put("height", IMAGE_SIZE).put("width", IMAGE_SIZE);
        pre.put("resample", 2).put("do_rescale", true).put("rescale_factor", 1.0 / 255).put("do_normalize", true);
        pre.putArray("image_mean").add(0.5).add(0.5).add(0.5);
        pre.putArray("image_std").add(0.5).add(0.5).add(0.5);
        writeJson(dir.resolve(ModelDirectory.PREPROCESSOR_CONFIG), pre);
        DemoReferences.write(dir, "demo/nsfw_image_detection", PreprocessorConfig.parse(pre), w, b, "logits");
    }

    private static void writeClip(Path dir) throws IOException {
        float[] w = new float[3 * CLIP_DIM];
        float[] b = new float[CLIP_DIM];
        // Axis 0 follows G - B, axis 1 follows B - G, axis 2 is constant so a grey image still has a direction.
        w[CLIP_DIM] = 1f;
        w[2 * CLIP_DIM] = -1f;
        w[CLIP_DIM + 1] = -1f;
        w[2 * CLIP_DIM + 1] = 1f;
        b[2] = 1f;
        Files.write(dir.resolve("vision_model.onnx"), colourProjection("demo-clip-vision", w, b, CLIP_DIM,
                "image_embeds"));

        List<String> vocab = vocabulary();
        float[] table = new float[vocab.size() * CLIP_DIM];
        for (int id = 0; id < vocab.size(); id++) {
            String word = vocab.get(id);
            if (FASHION_WORDS.contains(word)) {
                table[id * CLIP_DIM] = 1f;
            } else if (OTHER_WORDS.contains(word)) {
                table[id * CLIP_DIM + 1] = 1f;
            }
        }
        Files.write(dir.resolve("text_model.onnx"), textTower("demo-clip-text", table, CLIP_DIM, CLIP_TEXT_LENGTH,
                true));
        writeJson(dir.resolve(ModelDirectory.TOKENIZER), tokenizer(CLIP_TEXT_LENGTH, PAD_ID));
        writeJson(dir.resolve(ModelDirectory.CONFIG), demoConfig("demo/CLIP-ViT-B-32").put("logit_scale", 100.0));
        ObjectNode pre = JSON.createObjectNode();
        pre.put("feature_extractor_type", "CLIPFeatureExtractor").put("do_resize", true).put("size", IMAGE_SIZE)
                .put("resample", 3).put("do_center_crop", true).put("crop_size", IMAGE_SIZE)
                .put("do_normalize", true);
        pre.putArray("image_mean").add(0.48145466).add(0.4578275).add(0.40821073);
        pre.putArray("image_std").add(0.26862954).add(0.26130258).add(0.27577711);
        writeJson(dir.resolve(ModelDirectory.PREPROCESSOR_CONFIG), pre);
        DemoReferences.write(dir, "demo/CLIP-ViT-B-32", PreprocessorConfig.parse(pre), w, b, "image_embeds");
    }

    private static void writeSiglip(Path dir) throws IOException {
        SplittableRandom random = new SplittableRandom(20240813L);
        float[] w = randomFloats(random, 3 * SIGLIP_DIM);
        float[] b = randomFloats(random, SIGLIP_DIM);
        Files.write(dir.resolve("vision_model.onnx"), colourProjection("demo-siglip-vision", w, b, SIGLIP_DIM,
                "image_embeds"));
        List<String> vocab = vocabulary();
        float[] table = randomFloats(random, vocab.size() * SIGLIP_DIM);
        for (int id = 0; id < SPECIAL_TOKENS.size(); id++) {
            Arrays.fill(table, id * SIGLIP_DIM, (id + 1) * SIGLIP_DIM, 0f);
        }
        Files.write(dir.resolve("text_model.onnx"), textTower("demo-siglip-text", table, SIGLIP_DIM,
                SIGLIP_TEXT_LENGTH, false));
        writeJson(dir.resolve(ModelDirectory.TOKENIZER), tokenizer(SIGLIP_TEXT_LENGTH, EOS_ID));
        writeJson(dir.resolve(ModelDirectory.CONFIG), demoConfig("demo/marqo-fashionSigLIP")
                .put("logit_scale", 10.0).put("logit_bias", -5.0).put("text_clean", "canonicalize"));
        ObjectNode pre = JSON.createObjectNode();
        pre.put("image_processor_type", "SiglipImageProcessor").put("do_resize", true);
        pre.putObject("size").put("height", IMAGE_SIZE).put("width", IMAGE_SIZE);
        pre.put("resample", 3).put("do_rescale", true).put("rescale_factor", 1.0 / 255).put("do_normalize", true)
                .put("do_convert_rgb", true);
        pre.putArray("image_mean").add(0.5).add(0.5).add(0.5);
        pre.putArray("image_std").add(0.5).add(0.5).add(0.5);
        writeJson(dir.resolve(ModelDirectory.PREPROCESSOR_CONFIG), pre);
        DemoReferences.write(dir, "demo/marqo-fashionSigLIP", PreprocessorConfig.parse(pre), w, b, "image_embeds");
    }

    /** pixel_values [N,3,224,224] -> mean per channel [N,3] -> x W + b -> output [N,dim]. */
    private static byte[] colourProjection(String name, float[] w, float[] b, int dim, String output) {
        return new OnnxGraphWriter(name)
                .input(ModelKind.IMAGE_INPUT, OnnxGraphWriter.FLOAT, null, 3L, (long) IMAGE_SIZE, (long) IMAGE_SIZE)
                .output(output, OnnxGraphWriter.FLOAT, null, (long) dim)
                .floats("w", w, 3, dim)
                .floats("b", b, dim)
                .node("ReduceMean", List.of(ModelKind.IMAGE_INPUT), List.of("mean_rgb"),
                        OnnxGraphWriter.intsAttr("axes", 2, 3), OnnxGraphWriter.intAttr("keepdims", 0))
                .node("MatMul", List.of("mean_rgb", "w"), List.of("projected"))
                .node("Add", List.of("projected", "b"), List.of(output))
                .toBytes();
    }

    /** input_ids [N,L] (and attention_mask) -> sum of word vectors [N,dim]. */
    private static byte[] textTower(String name, float[] table, int dim, int length, boolean withMask) {
        int vocab = table.length / dim;
        OnnxGraphWriter g = new OnnxGraphWriter(name)
                .input(ModelKind.TEXT_INPUT, OnnxGraphWriter.INT64, null, (long) length)
                .output("text_embeds", OnnxGraphWriter.FLOAT, null, (long) dim)
                .floats("word_vectors", table, vocab, dim)
                .longs("sequence_axis", new long[] { 1 }, 1)
                .node("Gather", List.of("word_vectors", ModelKind.TEXT_INPUT), List.of("tokens"));
        if (withMask) {
            g.input(ModelKind.TEXT_MASK_INPUT, OnnxGraphWriter.INT64, null, (long) length)
                    .longs("feature_axis", new long[] { 2 }, 1)
                    .node("Cast", List.of(ModelKind.TEXT_MASK_INPUT), List.of("mask_f"),
                            OnnxGraphWriter.intAttr("to", OnnxGraphWriter.FLOAT))
                    .node("Unsqueeze", List.of("mask_f", "feature_axis"), List.of("mask_3d"))
                    .node("Mul", List.of("tokens", "mask_3d"), List.of("masked"))
                    .node("ReduceSum", List.of("masked", "sequence_axis"), List.of("text_embeds"),
                            OnnxGraphWriter.intAttr("keepdims", 0));
        } else {
            g.node("ReduceSum", List.of("tokens", "sequence_axis"), List.of("text_embeds"),
                    OnnxGraphWriter.intAttr("keepdims", 0));
        }
        return g.toBytes();
    }

    /** A word-level Hugging Face tokenizer over the demo vocabulary: lower-cased, split on whitespace and punctuation. */
    private static ObjectNode tokenizer(int length, int padId) {
        List<String> vocab = vocabulary();
        ObjectNode t = JSON.createObjectNode();
        t.put("version", "1.0");
        t.putNull("truncation");
        ObjectNode padding = t.putObject("padding");
        padding.putObject("strategy").put("Fixed", length);
        padding.put("direction", "Right").putNull("pad_to_multiple_of");
        padding.put("pad_id", padId).put("pad_type_id", 0).put("pad_token", vocab.get(padId));
        ArrayNode added = t.putArray("added_tokens");
        for (int id = 0; id < SPECIAL_TOKENS.size(); id++) {
            added.addObject().put("id", id).put("content", SPECIAL_TOKENS.get(id)).put("single_word", false)
                    .put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", true);
        }
        t.putObject("normalizer").put("type", "Lowercase");
        t.putObject("pre_tokenizer").put("type", "Whitespace");
        ObjectNode post = t.putObject("post_processor");
        post.put("type", "TemplateProcessing");
        ArrayNode single = post.putArray("single");
        single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        single.addObject().putObject("SpecialToken").put("id", "</s>").put("type_id", 0);
        ArrayNode pair = post.putArray("pair");
        pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
        pair.addObject().putObject("SpecialToken").put("id", "</s>").put("type_id", 1);
        ObjectNode eos = post.putObject("special_tokens").putObject("</s>");
        eos.put("id", "</s>");
        eos.putArray("ids").add(EOS_ID);
        eos.putArray("tokens").add("</s>");
        t.putNull("decoder");
        ObjectNode model = t.putObject("model");
        model.put("type", "WordLevel");
        Map<String, Integer> ids = new LinkedHashMap<>();
        for (int id = 0; id < vocab.size(); id++) {
            ids.put(vocab.get(id), id);
        }
        model.set("vocab", JSON.valueToTree(ids));
        model.put("unk_token", "<unk>");
        return t;
    }

    private static ObjectNode demoConfig(String name) {
        ObjectNode config = JSON.createObjectNode();
        config.put("_name_or_path", name).put(ModelDirectory.DEMO_MARKER, true);
        return config;
    }

    private static float[] randomFloats(SplittableRandom random, int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return out;
    }

    private static void writeJson(Path file, ObjectNode node) throws IOException {
        JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), node);
    }
}
