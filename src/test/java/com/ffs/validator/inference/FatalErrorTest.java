package com.ffs.validator.inference;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtException.OrtErrorCode;

/** Which ONNX Runtime errors leave the device unusable, so that the engine marks itself failed. */
class FatalErrorTest {

    @Test
    void shouldTreatCudaFaultsAndProviderFailuresAsFatal() {
        assertThat(OrtCalls.isFatal(new OrtException(OrtErrorCode.ORT_RUNTIME_EXCEPTION,
                "CUDA failure 700: an illegal memory access was encountered ; GPU=0"))).isTrue();
        assertThat(OrtCalls.isFatal(new OrtException(OrtErrorCode.ORT_FAIL, "CUDNN failure 4: "
                + "CUDNN_STATUS_INTERNAL_ERROR"))).isTrue();
        assertThat(OrtCalls.isFatal(new OrtException(OrtErrorCode.ORT_EP_FAIL, "provider failed"))).isTrue();
    }

    @Test
    void shouldNotTreatABadInputAsFatal() {
        assertThat(OrtCalls.isFatal(new OrtException(OrtErrorCode.ORT_INVALID_ARGUMENT,
                "Got invalid dimensions for input: pixel_values"))).isFalse();
        assertThat(OrtCalls.isFatal(new OrtException(OrtErrorCode.ORT_RUNTIME_EXCEPTION,
                "Non-zero status code returned while running Conv node"))).isFalse();
    }
}
