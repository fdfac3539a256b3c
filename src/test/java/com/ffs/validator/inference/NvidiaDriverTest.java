package com.ffs.validator.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** The start-up line that names the driver and the CUDA libraries found. */
class NvidiaDriverTest {

    @Test
    void versionNumbersReadAsUsual() {
        assertThat(NvidiaDriver.cudaVersion(12040)).isEqualTo("12.4");
        assertThat(NvidiaDriver.cudaVersion(12060)).isEqualTo("12.6");
        assertThat(NvidiaDriver.cudaVersion(13000)).isEqualTo("13.0");
        assertThat(NvidiaDriver.cudnnVersion(90501)).isEqualTo("9.5.1");
        assertThat(NvidiaDriver.cudnnVersion(91000)).isEqualTo("9.10.0");
    }

    @Test
    void theLineNamesDriverCudaAndCudnn() {
        assertThat(NvidiaDriver.describe("570.124.06", 12080, 12060, 90501)).isEqualTo(
                "NVIDIA driver 570.124.06, supports CUDA 12.8; CUDA runtime 12.6, cuDNN 9.5.1");
        assertThat(NvidiaDriver.describe(null, -1, -1, -1)).isEqualTo(
                "NVIDIA driver (version unknown), supports CUDA (unknown); CUDA runtime not found, cuDNN not found");
    }

    @Test
    void anOlderDriverIsCalledOut() {
        assertThat(NvidiaDriver.describe("550.54.15", 12040, 12060, 90501))
                .endsWith("the driver is older than the CUDA 12.6 libraries, which then rely on CUDA minor version "
                        + "compatibility");
        assertThat(NvidiaDriver.describe("470.256.02", 11040, 12060, 90501))
                .endsWith("the driver is older than the CUDA 12 libraries need; install a newer driver (DEPLOY.md "
                        + "names the floor)");
    }

    @Test
    void procfsGivesTheDriverVersionWhenNvmlCannot() {
        assertThat(NvidiaDriver.driverVersionFromProc("NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.15  "
                + "Tue Mar  5 22:23:56 UTC 2024\nGCC version:  gcc version 12.3.0")).isEqualTo("550.54.15");
        assertThat(NvidiaDriver.driverVersionFromProc("NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  "
                + "570.124.06  Release Build")).isEqualTo("570.124.06");
        assertThat(NvidiaDriver.driverVersionFromProc("nothing here")).isNull();
    }

    @Test
    void tensorrtWithoutItsLibrariesNamesWhatIsMissing() {
        assertThat(NvidiaDriver.tensorrtLibrariesProblem(library -> false)).isEqualTo(
                "the TensorRT 10 libraries are not installed (libnvinfer.so.10, libnvonnxparser.so.10 not found); "
                        + "install TensorRT 10 for CUDA 12 in the image, or set validator.inference.tensorrt=false");
        assertThat(NvidiaDriver.tensorrtLibrariesProblem(library -> !library.startsWith("libnvonnxparser")))
                .contains("(libnvonnxparser.so.10 not found)");
        assertThat(NvidiaDriver.tensorrtLibrariesProblem(library -> true)).isNull();
    }

    @Test
    void theProviderLinksExactlyTheLibrariesChecked() throws Exception {
        // What libonnxruntime_providers_tensorrt.so in the ONNX Runtime jar names as NEEDED, beyond CUDA and cuDNN.
        byte[] provider;
        try (var in = ai.onnxruntime.OrtEnvironment.class.getResourceAsStream(
                "/ai/onnxruntime/native/linux-x64/libonnxruntime_providers_tensorrt.so")) {
            assertThat(in).as("the GPU build of ONNX Runtime, the default on Linux").isNotNull();
            provider = in.readAllBytes();
        }
        String strings = new String(provider, StandardCharsets.ISO_8859_1);
        for (String library : NvidiaDriver.TENSORRT_LIBRARIES) {
            assertThat(strings).contains(library + "\0");
        }
        assertThat(Pattern.compile("libnv(infer|onnxparser)[a-z_]*\\.so\\.\\d+").matcher(strings)
                .results().map(MatchResult::group).distinct().sorted())
                .containsExactlyElementsOf(NvidiaDriver.TENSORRT_LIBRARIES);
    }
}
