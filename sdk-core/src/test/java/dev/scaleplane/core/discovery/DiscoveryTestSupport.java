package dev.scaleplane.core.discovery;

import dev.scaleplane.testing.CapturedOutput;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Objects;

final class DiscoveryTestSupport {

    private DiscoveryTestSupport() {}

    /**
     * A class loader that sees only the {@code META-INF/services} files of {@code src/test/resources/discovery/<folder>}
     * and loads classes from the test class path. Hiding the test class path's own service files keeps providers that
     * other modules register (such as the bundled in-memory bus) out of these tests.
     */
    static URLClassLoader servicesFrom(String folder) {
        ClassLoader testLoader = DiscoveryTestSupport.class.getClassLoader();
        URL root = Objects.requireNonNull(testLoader.getResource("discovery/" + folder + "/"), folder);
        return new URLClassLoader(new URL[] {root}, hidingServiceFiles(testLoader));
    }

    /** A class loader with no service files at all. */
    static URLClassLoader noServices() {
        return new URLClassLoader(new URL[0], hidingServiceFiles(DiscoveryTestSupport.class.getClassLoader()));
    }

    private static ClassLoader hidingServiceFiles(ClassLoader parent) {
        return new ClassLoader(parent) {
            @Override
            public Enumeration<URL> getResources(String name) throws IOException {
                return name.startsWith("META-INF/services/")
                        ? Collections.emptyEnumeration()
                        : super.getResources(name);
            }

            @Override
            public URL getResource(String name) {
                return name.startsWith("META-INF/services/") ? null : super.getResource(name);
            }
        };
    }

    /** Runs {@code action} and returns what it wrote to the standard streams, where slf4j-simple logs. */
    static String stderrOf(Runnable action) {
        return CapturedOutput.of(action);
    }
}
