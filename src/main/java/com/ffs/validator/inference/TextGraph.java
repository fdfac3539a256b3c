package com.ffs.validator.inference;

import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;

/** A text tower: tokenizer plus graph. Thread-safe; runs on the calling thread. */
final class TextGraph implements AutoCloseable {

    final Path graph;
    private final OrtSessions.Loaded loaded;
    private final TextEncoder encoder;
    private final String idsInput;
    private final String maskInput;
    private final String output;
    private final boolean int32Ids;

    private TextGraph(OrtSessions.Loaded loaded, TextEncoder encoder, String idsInput, String maskInput,
            String output, boolean int32Ids) {
        this.graph = loaded.graph();
        this.loaded = loaded;
        this.encoder = encoder;
        this.idsInput = idsInput;
        this.maskInput = maskInput;
        this.output = output;
        this.int32Ids = int32Ids;
    }

    /** Opens the text graph of {@code dir} and checks its inputs and output; closes what it opened when it fails. */
    static TextGraph open(ModelDirectory dir, OrtSessions sessions, ModelsConfig.Overrides names) {
        Path graph = dir.textGraph().orElseThrow();
        OrtSessions.Loaded loaded = sessions.open(graph);
        try {
            OrtSession s = loaded.session();
            String ids = names.textInput().orElse(ModelKind.TEXT_INPUT);
            String mask = names.textMaskInput().orElse(ModelKind.TEXT_MASK_INPUT);
            String output = names.textOutput().orElse(dir.kind().defaultTextOutput());
            NodeInfo idsInfo = s.getInputInfo().get(ids);
            if (idsInfo == null) {
                throw new ModelLoadException(graph + ": has no input '" + ids + "'; its inputs are "
                        + s.getInputNames() + " (override with validator.models." + dir.kind().id() + ".text-input)");
            }
            if (!(idsInfo.getInfo() instanceof TensorInfo t) || t.getShape().length != 2
                    || (t.type != OnnxJavaType.INT64 && t.type != OnnxJavaType.INT32)) {
                throw new ModelLoadException(graph + ": input '" + ids + "' must be an int64 or int32 tensor [N,L], "
                        + "got " + idsInfo.getInfo());
            }
            if (!s.getOutputInfo().containsKey(output)) {
                throw new ModelLoadException(graph + ": has no output '" + output + "'; its outputs are "
                        + s.getOutputNames() + " (override with validator.models." + dir.kind().id()
                        + ".text-output)");
            }
            for (String name : s.getInputNames()) {
                if (!name.equals(ids) && !name.equals(mask)) {
                    throw new ModelLoadException(graph + ": unexpected input '" + name + "'; a text graph takes '"
                            + ids + "' and optionally '" + mask + "'");
                }
            }
            int length = (int) t.getShape()[1];
            TextEncoder encoder = new TextEncoder(dir.tokenizer().orElseThrow(), length,
                    dir.metadata().padTokenId().isPresent() ? dir.metadata().padTokenId().getAsInt() : null,
                    TextCleaner.of(dir.metadata().textClean()));
            return new TextGraph(loaded, encoder, ids, s.getInputNames().contains(mask) ? mask : null, output,
                    t.type == OnnxJavaType.INT32);
        } catch (OrtException e) {
            loaded.close();
            throw new ModelLoadException(graph + ": cannot read graph metadata (" + e.getMessage() + ")", e);
        } catch (RuntimeException | Error e) {
            loaded.close();
            throw e;
        }
    }

    /** Embeds {@code texts} in one run: one row per text, as the graph gives it. */
    float[][] run(List<String> texts) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        TextEncoder.Batch batch = encoder.encode(texts);
        long[] shape = { batch.count(), batch.length() };
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put(idsInput, tensor(env, batch.ids(), shape));
            if (maskInput != null) {
                inputs.put(maskInput, tensor(env, batch.mask(), shape));
            }
            try (OrtSession.Result result = loaded.session().run(inputs, Set.of(output))) {
                return OrtCalls.rows(result, output, batch.count());
            }
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    private OnnxTensor tensor(OrtEnvironment env, long[] values, long[] shape) throws OrtException {
        if (int32Ids) {
            int[] ints = new int[values.length];
            for (int i = 0; i < values.length; i++) {
                ints[i] = Math.toIntExact(values[i]);
            }
            return OnnxTensor.createTensor(env, IntBuffer.wrap(ints), shape);
        }
        return OnnxTensor.createTensor(env, LongBuffer.wrap(values), shape);
    }

    @Override
    public void close() {
        encoder.close();
        loaded.close();
    }
}
