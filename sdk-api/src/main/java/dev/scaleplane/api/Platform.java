package dev.scaleplane.api;

import dev.scaleplane.api.adapters.Adapters;
import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.api.events.EventTypeRegistry;
import dev.scaleplane.api.federation.Fleet;
import dev.scaleplane.api.orchestration.TaskQueue;
import dev.scaleplane.api.slo.Slos;
import dev.scaleplane.api.store.EventStore;

/**
 * A running Scaleplane instance: the event bus and, as they are configured, the other platform services.
 *
 * <p>Obtain one from {@code dev.scaleplane.core.Scaleplane.builder()}. A platform owns the threads and connections
 * of the services it created (not of instances handed to its builder) and releases them on {@link #close()}.
 *
 * <p>Thread-safety: all methods may be called from any thread.
 */
public interface Platform extends AutoCloseable {

    /** The event bus selected when the platform was built. */
    EventBus events();

    /**
     * The event store selected when the platform was built, opened on first use (so a platform that never uses it
     * creates no files and opens no connections). Reads apply the platform's upcasters.
     *
     * @throws dev.scaleplane.api.store.EventStoreException if the store cannot be opened
     */
    EventStore store();

    /**
     * The task queue selected when the platform was built, opened on first use.
     *
     * @throws dev.scaleplane.api.ScaleplaneException if no task queue backend is installed or it cannot be opened
     */
    TaskQueue tasks();

    /**
     * The fleet of Kubernetes clusters, opened on first use by the federation provider selected when the platform was
     * built ({@code scaleplane-federation-kubernetes}).
     *
     * @throws dev.scaleplane.api.ScaleplaneException if no federation backend is installed (the message names the
     *     artifact to add) or it cannot be started
     */
    Fleet federation();

    /**
     * The adapter instances configured under {@code scaleplane.adapters.<name>.*}, each created on first use.
     */
    Adapters adapters();

    /**
     * The SLOs, error budgets and error-budget policy: the SLOs configured under {@code scaleplane.slos.<name>.*}
     * plus those defined through it, evaluated on the platform's task clock. Started on first use.
     */
    Slos slos();

    /**
     * Deployments of applications across the fleet, driven by the platform's deployment controller. The controller
     * starts on first use and then resumes every deployment its streams record as unfinished.
     *
     * @throws dev.scaleplane.api.ScaleplaneException if the store, task queue or fleet it needs cannot be opened
     */
    dev.scaleplane.api.deployments.Deployments deployments();

    /** The event types this platform can encode and decode: the platform catalog plus the user's types. */
    EventTypeRegistry eventTypes();

    /**
     * Stops intake, drains in-flight work of every service this platform created, then releases their threads and
     * connections. Idempotent; never throws for an already closed platform.
     */
    @Override
    void close();
}
