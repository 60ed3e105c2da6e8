package org.jgrad.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jgrad.Device;
import org.junit.jupiter.api.Test;

/** The provider's availability follows the jdk.incubator.vector module, and Device.best() follows the provider. */
final class CpuProviderTest {

    @Test
    void providerIsAvailableWhenTheVectorModuleIsEnabledAndBestPicksCpu() {
        assertNull(new CpuProvider().unavailableReason());
        assertEquals("cpu", Device.cpu().name());
        assertEquals("cpu", Device.best().name());
        assertTrue(Device.report().contains("cpu (priority 10): available  <- best()"), Device.report());
    }

    /**
     * A JVM without --add-modules jdk.incubator.vector gets one line naming the flag and no stack trace, best() is the
     * reference, and Device.report() says why.
     */
    @Test
    void withoutTheVectorModuleCpuFailsWithOneLineNamingTheFlagAndBestIsReference() throws Exception {
        String java = ProcessHandle.current().info().command().orElse(
                System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), NoVectorModule.class.getName())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish: " + output);
        assertEquals(0, p.exitValue(), output);
        List<String> lines = output.lines().toList();
        String message = lines.stream().filter(l -> l.startsWith("cpu: ")).findFirst().orElseThrow(() -> new AssertionError(output));
        assertTrue(message.contains("--add-modules jdk.incubator.vector"), message);
        assertFalse(message.contains("\tat ") || message.contains("Exception:"), message);
        assertTrue(lines.contains("best: reference"), output);
        assertTrue(lines.contains("newlines: 0"), output);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("cpu (priority 10): unavailable: ") && l.contains("--add-modules")), output);
        assertTrue(lines.contains("reference (priority 0): available  <- best()"), output);
    }

    /** Run in the child JVM: prints what Device.cpu() says and what best() picks. */
    static final class NoVectorModule {
        public static void main(String[] args) {
            try {
                Device.cpu();
                System.out.println("cpu: available (unexpected)");
            } catch (IllegalStateException e) {
                System.out.println("cpu: " + e.getMessage());
                System.out.println("newlines: " + e.getMessage().chars().filter(c -> c == '\n').count());
            }
            System.out.println("best: " + Device.best().name());
            System.out.print(Device.report());
        }
    }
}
