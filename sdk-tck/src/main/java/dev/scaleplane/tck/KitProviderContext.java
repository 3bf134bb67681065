package dev.scaleplane.tck;

import dev.scaleplane.api.orchestration.TaskClock;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.api.spi.ProviderContext;
import dev.scaleplane.testing.TestProviderContext;
import dev.scaleplane.testing.VirtualTaskClock;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * What a platform hands a task queue provider, as the kit's tests need it: the configuration, the task queue options
 * and the kit's virtual clock as components, and the virtual clock's time as the platform clock.
 */
final class KitProviderContext {
    private KitProviderContext() {}

    static ProviderContext of(ConfigProperties config, TaskQueueOptions options, VirtualTaskClock clock) {
        return TestProviderContext.builder()
                .config(config)
                .clock(new Clock() {
                    @Override
                    public ZoneId getZone() {
                        return ZoneOffset.UTC;
                    }

                    @Override
                    public Clock withZone(ZoneId zone) {
                        return this;
                    }

                    @Override
                    public Instant instant() {
                        return clock.now();
                    }
                })
                .source(URI.create("/scaleplane-tck"))
                .component(TaskQueueOptions.class, options)
                .component(TaskClock.class, clock)
                .build();
    }
}
