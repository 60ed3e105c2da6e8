package org.jgrad;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import org.jgrad.spi.Backend;
import org.jgrad.spi.BackendProvider;

/**
 * Where tensors live and compute: one backend, found through {@link ServiceLoader}. Asking for a backend that
 * is missing or cannot run is an error that says why; jgrad never falls back to another backend silently.
 */
public final class Device {
    private static final Map<String, Device> CREATED = new ConcurrentHashMap<>();
    private static volatile List<BackendProvider> providers;
    private static volatile Device defaultDevice;

    private final Backend backend;

    private Device(Backend backend) {
        this.backend = backend;
    }

    /** The scalar reference backend in core: always present. */
    public static Device reference() {
        return named("reference");
    }

    /** The Vector API CPU backend (module {@code jgrad-backend-cpu}). */
    public static Device cpu() {
        return named("cpu");
    }

    /** The OpenCL backend (module {@code jgrad-backend-opencl}). */
    public static Device opencl() {
        return named("opencl");
    }

    /** The backend called {@code name}, or an error naming the backends that are there. */
    public static Device named(String name) {
        Device d = CREATED.get(name);
        if (d != null) return d;
        BackendProvider p = providers().stream().filter(q -> q.name().equals(name)).findFirst().orElseThrow(
                () -> new IllegalStateException("device: no backend named '" + name + "' is on the class or module path"
                        + " (found: " + String.join(", ", providers().stream().map(BackendProvider::name).toList())
                        + "); add the module jgrad-backend-" + name + " to use it"));
        String why = p.unavailableReason();
        if (why != null) throw new IllegalStateException("device: backend '" + name + "' cannot run here: " + why);
        return CREATED.computeIfAbsent(name, k -> new Device(p.create()));
    }

    /**
     * A device over a backend instance the caller made: for testing a backend, or embedding one without a
     * ServiceLoader registration. Each call makes a distinct device.
     */
    public static Device of(Backend backend) {
        return new Device(backend);
    }

    /** The available backend of highest priority; {@link #report()} says which was chosen and why. */
    public static Device best() {
        return named(usable().getFirst().name());
    }

    /** One line per backend found: its priority, whether it can run here (and why not), and which one best() picks. */
    public static String report() {
        List<BackendProvider> ok = usable();
        StringBuilder sb = new StringBuilder();
        for (BackendProvider p : providers()) {
            String why = p.unavailableReason();
            sb.append(p.name()).append(" (priority ").append(p.priority()).append("): ")
                    .append(why == null ? "available" : "unavailable: " + why)
                    .append(p == ok.getFirst() ? "  <- best()" : "").append('\n');
        }
        return sb.toString();
    }

    /** Where factories put new tensors: {@code -Djgrad.device=NAME} if set, else {@link #best()}. */
    public static Device defaultDevice() {
        Device d = defaultDevice;
        if (d == null) {
            String name = System.getProperty("jgrad.device");
            d = name == null || name.isBlank() ? best() : named(name.strip());
            defaultDevice = d;
        }
        return d;
    }

    /** Makes {@code device} the default for new tensors in this process. */
    public static void setDefault(Device device) {
        defaultDevice = device;
    }

    /** The backend's name: {@code reference}, {@code cpu}, {@code opencl}. */
    public String name() {
        return backend.name();
    }

    /** The backend, for code that plugs into the SPI. */
    public Backend backend() {
        return backend;
    }

    /**
     * Waits for the work this device has queued and raises any error it recorded there, such as an out-of-range index
     * that a device backend checks in its kernels rather than on the host; otherwise it would surface at the next
     * read of data to the host.
     */
    public void synchronize() {
        backend.synchronize();
    }

    @Override
    public String toString() {
        return name();
    }

    private static List<BackendProvider> usable() {
        List<BackendProvider> ok = new ArrayList<>(providers().stream().filter(p -> p.unavailableReason() == null).toList());
        ok.sort(Comparator.comparingInt(BackendProvider::priority).reversed());
        return ok;
    }

    private static List<BackendProvider> providers() {
        List<BackendProvider> p = providers;
        if (p == null) {
            List<BackendProvider> found = new ArrayList<>();
            for (BackendProvider q : ServiceLoader.load(BackendProvider.class, Device.class.getClassLoader())) {
                if (found.stream().noneMatch(f -> f.name().equals(q.name()))) found.add(q);
            }
            providers = p = List.copyOf(found);
        }
        return p;
    }
}
