package dev.scaleplane.benchmarks.orchestration;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.jobrunr.configuration.JobRunr;
import org.jobrunr.jobs.Job;
import org.jobrunr.jobs.filters.ApplyStateFilter;
import org.jobrunr.jobs.states.JobState;
import org.jobrunr.jobs.states.StateName;
import org.jobrunr.scheduling.JobScheduler;
import org.jobrunr.server.BackgroundJobServerConfiguration;
import org.jobrunr.storage.InMemoryStorageProvider;

/**
 * JobRunr as a peer of the orchestration benchmark: {@code JobScheduler.enqueue(() -> JobRunrPeer.noop())} per task
 * on JobRunr's {@link InMemoryStorageProvider} and a background job server in the same JVM, configured as JobRunr's
 * documentation describes for throughput.
 *
 * <ul>
 *   <li>{@code andWorkerCount(workers)}: the same number of worker threads as the other implementations.
 *   <li>{@code andPollInterval(200 ms)}: the smallest JobRunr accepts for the in-memory storage provider (the
 *       default is 15 s). The server also takes new work as soon as workers are free, without waiting for a poll.
 *   <li>{@code andDeleteSucceededJobsAfter} and {@code andPermanentlyDeleteDeletedJobsAfter} of 1 s: succeeded jobs
 *       leave the store as quickly as Scaleplane's finished tasks do in this benchmark (retention 1 s), instead of
 *       after 36 h, so the run does not measure the garbage collector.
 *   <li>No dashboard, JMX or metrics integration.
 * </ul>
 *
 * <p>"Known completed" is an {@link ApplyStateFilter} seeing the job enter {@code SUCCEEDED}: JobRunr calls it after
 * the job ran and its new state was saved to the storage provider.
 *
 * <p>JobRunr is configured through a static singleton, so there is one per JVM; JMH runs each parameter combination
 * in its own fork. Public, as is {@link #noop()}: JobRunr's worker calls the method by reflection.
 */
public final class JobRunrPeer implements SchedulerPeer {
    /** Executions of {@link #noop()}. */
    static final AtomicLong RAN = new AtomicLong();

    private final JobScheduler scheduler;
    private final Completions completions = new Completions();

    /** Starts JobRunr with a background job server of {@code workers} workers. */
    JobRunrPeer(int workers) {
        scheduler = JobRunr.configure()
                .useStorageProvider(new InMemoryStorageProvider())
                .withJobFilter(new ApplyStateFilter() {
                    @Override
                    public void onStateApplied(Job job, JobState oldState, JobState newState) {
                        if (newState.getName() == StateName.SUCCEEDED) {
                            completions.completed();
                        }
                    }
                })
                .useBackgroundJobServer(BackgroundJobServerConfiguration.usingStandardBackgroundJobServerConfiguration()
                        .andWorkerCount(workers)
                        .andPollInterval(Duration.ofMillis(200))
                        .andDeleteSucceededJobsAfter(Duration.ofSeconds(1))
                        .andPermanentlyDeleteDeletedJobsAfter(Duration.ofSeconds(1)))
                .initialize()
                .getJobScheduler();
    }

    /** The no-op job. Public and static: JobRunr records the call and finds the method again on its worker. */
    public static void noop() {
        RAN.incrementAndGet();
    }

    @Override
    public void expect(int jobs) {
        completions.expect(jobs);
    }

    /** Enqueues one no-op job. */
    @Override
    public void submit() {
        scheduler.enqueue(() -> JobRunrPeer.noop());
    }

    @Override
    public void await(long seconds) throws Exception {
        completions.await(seconds);
    }

    @Override
    public void close() {
        JobRunr.destroy();
    }
}
