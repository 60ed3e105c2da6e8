package org.jgrad.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jgrad.Device;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each way OpenCL can be missing gives its own error from {@code Device.opencl()}, never a fallback. The discovery
 * runs once per process, so each case runs in a fresh JVM with this test's class path.
 */
final class OpenClUnavailableTest {

    /** Prints what {@code Device.opencl()} says, or "ok" and the device. */
    public static void main(String[] args) {
        try {
            System.out.println("ok " + Device.opencl().name());
        } catch (IllegalStateException e) {
            System.out.println(e.getMessage());
        }
    }

    private static String fork(Map<String, String> env, String... jvmArgs) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-cp", System.getProperty("java.class.path")));
        cmd.addAll(List.of(jvmArgs));
        cmd.add(OpenClUnavailableTest.class.getName());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    @Test
    void aBogusLoaderNameSaysThereIsNoIcdLoader() throws Exception {
        String out = fork(Map.of(), "-Dorg.lwjgl.opencl.libname=bogus-libOpenCL.so");
        assertTrue(out.contains("cannot run here: no OpenCL ICD loader"), out);
    }

    @Test
    void anEmptyVendorFolderSaysThereIsNoPlatform(@TempDir Path empty) throws Exception {
        OpenClTests.device();   // needs a working loader, or the loader is what is missing
        String out = fork(Map.of("OCL_ICD_VENDORS", empty.toString()));
        assertTrue(out.contains("cannot run here: no OpenCL platform"), out);
    }

    @Test
    void aDeviceNameThatMatchesNothingSaysThereIsNoDevice() throws Exception {
        OpenClTests.device();
        String out = fork(Map.of(), "-D" + Discovery.PROPERTY + "=nonexistent");
        assertTrue(out.contains("cannot run here: no OpenCL device matches -Djgrad.opencl.device=nonexistent"), out);
    }

    @Test
    void aDeviceCanBePickedByIndexOrName() throws Exception {
        OpenClTests.device();
        assertTrue(fork(Map.of(), "-D" + Discovery.PROPERTY + "=0:0").contains("ok opencl"));
        String name = Discovery.result().device().name();
        String part = name.substring(0, Math.min(6, name.length())).toUpperCase(java.util.Locale.ROOT);
        assertTrue(fork(Map.of(), "-D" + Discovery.PROPERTY + "=" + part).contains("ok opencl"));
    }
}
