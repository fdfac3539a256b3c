package com.ffs.validator.runpod;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** A load-balancing worker on a port its non-root user may not open refuses with a line naming PORT. */
class RunPodPortsTest {

    private static RunPodEnvironment env(Map<String, String> vars) {
        return RunPodEnvironment.from(name -> Optional.ofNullable(vars.get(name)));
    }

    @Test
    void runpodsDefaultPortNeedsAnEndpointVariableForANonRootUser() {
        Optional<String> problem = env(Map.of("PORT", "80")).portProblem(1024, false);
        assertThat(problem).hasValue("PORT=80 is a privileged port that this worker, running as a non-root user, "
                + "cannot listen on: set the endpoint's environment variables PORT=8080 and PORT_HEALTH=8080 (the "
                + "port the image exposes) and expose HTTP port 8080");
        assertThat(env(Map.of("PORT", "8080", "PORT_HEALTH", "80")).portProblem(1024, false))
                .hasValueSatisfying(p -> assertThat(p).startsWith("PORT_HEALTH=80 is a privileged port"));
    }

    @Test
    void portsTheUserMayOpenPass() {
        assertThat(env(Map.of("PORT", "8080", "PORT_HEALTH", "8081")).portProblem(1024, false)).isEmpty();
        // Docker lowers ip_unprivileged_port_start to 0 in a container's namespace; root holds the capability.
        assertThat(env(Map.of("PORT", "80")).portProblem(0, false)).isEmpty();
        assertThat(env(Map.of("PORT", "80")).portProblem(1024, true)).isEmpty();
        assertThat(env(Map.of()).portProblem(1024, false)).isEmpty();
    }

    @Test
    void theCapabilityIsReadFromTheEffectiveMask() {
        assertThat(RunPodEnvironment.mayBindPrivilegedPorts("Name:\tjava\nCapPrm:\t0000000000000000\n"
                + "CapEff:\t0000000000000000\n")).isFalse();
        assertThat(RunPodEnvironment.mayBindPrivilegedPorts("CapEff:\t000001ffffffffff\n")).isTrue();
        assertThat(RunPodEnvironment.mayBindPrivilegedPorts("CapEff:\t0000000000000400\n")).isTrue();
        assertThat(RunPodEnvironment.mayBindPrivilegedPorts("CapEff:\t00000000000003ff\n")).isFalse();
        assertThat(RunPodEnvironment.mayBindPrivilegedPorts("no capabilities listed")).isFalse();
    }

    @Test
    void theImagesPortIsTheOneTheDockerfilesExpose() throws Exception {
        String dockerfile = Files.readString(Path.of("src/main/docker/Dockerfile.runpod"));
        assertThat(dockerfile).containsPattern("(?m)^EXPOSE " + RunPodEnvironment.IMAGE_PORT + "$");
    }
}
