package com.ffs.validator.inference;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Consumer;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/** Session calls: running one with fatal device errors reported, and copying its outputs into Java arrays. */
final class OrtCalls {

    private OrtCalls() {
    }

    /** One session call. */
    @FunctionalInterface
    interface Call<T> {
        T call() throws OrtException;
    }

    /**
     * Runs a session call; a fatal device error is reported to {@code onFatal} before it is thrown.
     *
     * @throws InferenceException with a message safe to show
     */
    static <T> T run(Call<T> call, Consumer<String> onFatal) {
        try {
            return call.call();
        } catch (OrtException e) {
            String message = "ONNX Runtime failed: " + OrtSessions.firstLine(e.getMessage());
            if (isFatal(e)) {
                onFatal.accept(message);
            }
            throw new InferenceException(message, e);
        }
    }

    /** A failed execution provider or a CUDA-level fault leaves the device in an unknown state for every later run. */
    static boolean isFatal(OrtException e) {
        String message = String.valueOf(e.getMessage());
        return e.getCode() == OrtException.OrtErrorCode.ORT_EP_FAIL || message.contains("CUDA failure")
                || message.contains("CUDNN failure") || message.contains("CUBLAS failure")
                || message.contains("cudaError");
    }

    /** Copies a [count, dim] float output out of a result into Java arrays. */
    static float[][] rows(OrtSession.Result result, String name, int count) throws OrtException {
        Optional<OnnxValue> value = result.get(name);
        if (value.isEmpty() || !(value.get() instanceof OnnxTensor tensor)) {
            throw new OrtException("output '" + name + "' missing from the result");
        }
        long[] shape = tensor.getInfo().getShape();
        if (shape.length != 2 || shape[0] != count) {
            throw new OrtException("output '" + name + "' has shape " + Arrays.toString(shape) + ", expected ["
                    + count + ", D]");
        }
        FloatBuffer data = tensor.getFloatBuffer();
        int dim = (int) shape[1];
        float[][] rows = new float[count][dim];
        for (int i = 0; i < count; i++) {
            data.get(rows[i]);
        }
        return rows;
    }
}
