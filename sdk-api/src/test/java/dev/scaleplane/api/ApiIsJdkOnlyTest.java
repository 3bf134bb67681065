package dev.scaleplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The API's public signatures mention only JDK types and the API's own (the enforcer rule already keeps third-party
 * artifacts off its class path; this also catches a type smuggled in through annotations-only dependencies).
 */
class ApiIsJdkOnlyTest {

    @Test
    void publicSignaturesUseOnlyJdkAndApiTypes() throws IOException, URISyntaxException, ClassNotFoundException {
        Path classes = Path.of(dev.scaleplane.api.Platform.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        List<String> offenders = new ArrayList<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
                String name =
                        classes.relativize(file).toString().replace('/', '.').replace(".class", "");
                Class<?> type = Class.forName(name);
                if (!java.lang.reflect.Modifier.isPublic(type.getModifiers())) {
                    continue;
                }
                for (Method m : type.getDeclaredMethods()) {
                    if (!java.lang.reflect.Modifier.isPublic(m.getModifiers())) {
                        continue;
                    }
                    check(offenders, type, m.getReturnType());
                    for (Parameter p : m.getParameters()) {
                        check(offenders, type, p.getType());
                    }
                }
            }
        }
        assertThat(offenders).isEmpty();
        try (InputStream ignored = ApiIsJdkOnlyTest.class.getResourceAsStream("/nothing")) {
            assertThat(ignored).isNull();
        }
    }

    private static void check(List<String> offenders, Class<?> owner, Class<?> used) {
        while (used.isArray()) {
            used = used.getComponentType();
        }
        if (used.isPrimitive()) {
            return;
        }
        String n = used.getName();
        if (!(n.startsWith("java.") || n.startsWith("dev.scaleplane.api."))) {
            offenders.add(owner.getName() + " uses " + n);
        }
    }
}
