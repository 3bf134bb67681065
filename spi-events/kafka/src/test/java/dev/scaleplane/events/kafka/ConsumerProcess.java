package dev.scaleplane.events.kafka;

import dev.scaleplane.api.Platform;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.tck.TckBusSettings;
import dev.scaleplane.tck.TckPayload;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * A group member in its own JVM, for the test that kills a consumer process: subscribes to a topic and appends the id
 * of every event it handles to a file (flushed before the handler returns, so before the offset can be committed),
 * then prints {@code READY} and runs until killed.
 */
public final class ConsumerProcess {
    private ConsumerProcess() {}

    /** Arguments: bootstrap servers, topic, group, output file. */
    public static void main(String[] args) throws Exception {
        Platform platform = Scaleplane.builder()
                .eventTypes(TckBusSettings.tckEventTypes())
                .config(ScaleplaneProperties.of(Map.of(
                        "scaleplane.events.provider",
                        "kafka",
                        "scaleplane.tasks.provider",
                        "memory",
                        KafkaBusConfig.BOOTSTRAP_SERVERS,
                        args[0])))
                .build();
        BufferedWriter out = Files.newBufferedWriter(
                Path.of(args[3]), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        platform.events().subscribe(SubscriptionOptions.of(args[1], args[2]), TckPayload.TYPE, e -> {
            synchronized (out) {
                try {
                    out.write(e.id());
                    out.newLine();
                    out.flush();
                } catch (IOException ex) {
                    throw new UncheckedIOException(ex);
                }
            }
            Thread.sleep(1); // a slow consumer, so that it is killed with work in flight
        });
        System.out.println("READY");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
