package dev.scaleplane.benchmarks.orchestration;

import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobExecutionContext;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.listeners.TriggerListenerSupport;

/**
 * Quartz as a peer of the orchestration benchmark: one job with one fire-now trigger per task on a
 * {@code RAMJobStore}, configured for throughput as Quartz's configuration reference advises.
 *
 * <ul>
 *   <li>{@code org.quartz.threadPool.threadCount = workers}: the pool that runs jobs, the same thread count as the
 *       other implementations.
 *   <li>{@code org.quartz.scheduler.batchTriggerAcquisitionMaxCount = workers}: the scheduler thread acquires up to
 *       that many due triggers at once instead of one (the default), "more efficient firing when very many triggers
 *       need to fire at once"; Quartz never acquires more than it has free threads, so a larger value changes nothing.
 *   <li>{@code org.quartz.scheduler.idleWaitTime} left at its default (30 s): it only matters when nothing is due,
 *       and scheduling a job wakes the scheduler thread at once. The reference advises against lowering it.
 *   <li>{@code org.quartz.jobStore.class = org.quartz.simpl.RAMJobStore}, and the jobs are not durable, so Quartz
 *       deletes each one after its trigger fired, as a run-once job should be.
 * </ul>
 *
 * <p>"Known completed" is {@link org.quartz.TriggerListener#triggerComplete}: Quartz calls it on the worker thread
 * once the job's {@code execute} returned and the trigger's execution is complete.
 */
final class QuartzPeer implements SchedulerPeer {
    /** Executions of {@link NoopJob}, in every scheduler of this JVM. */
    static final AtomicLong RAN = new AtomicLong();

    private final Scheduler scheduler;
    private final Completions completions = new Completions();
    private long next;

    /** Starts a scheduler with {@code workers} threads. */
    QuartzPeer(int workers) throws SchedulerException {
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", "scaleplane-bench-quartz");
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.scheduler.makeSchedulerThreadDaemon", "true");
        p.setProperty("org.quartz.scheduler.batchTriggerAcquisitionMaxCount", Integer.toString(workers));
        p.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
        p.setProperty("org.quartz.threadPool.threadCount", Integer.toString(workers));
        p.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
        p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        scheduler = new StdSchedulerFactory(p).getScheduler();
        scheduler.getListenerManager().addTriggerListener(new TriggerListenerSupport() {
            @Override
            public String getName() {
                return "completions";
            }

            @Override
            public void triggerComplete(
                    Trigger trigger, JobExecutionContext context, Trigger.CompletedExecutionInstruction instruction) {
                completions.completed();
            }
        });
        scheduler.start();
    }

    @Override
    public void expect(int jobs) {
        completions.expect(jobs);
    }

    /** Schedules one no-op job to fire now. */
    @Override
    public void submit() throws SchedulerException {
        String id = Long.toString(next++);
        scheduler.scheduleJob(
                JobBuilder.newJob(NoopJob.class).withIdentity(id).build(),
                TriggerBuilder.newTrigger().withIdentity(id).startNow().build());
    }

    @Override
    public void await(long seconds) throws Exception {
        completions.await(seconds);
    }

    @Override
    public void close() throws SchedulerException {
        scheduler.shutdown(false);
    }

    /** The no-op job; Quartz creates an instance per execution, so it must be public with a public constructor. */
    public static final class NoopJob implements Job {
        /** Quartz's default job factory needs it. */
        public NoopJob() {}

        @Override
        public void execute(JobExecutionContext context) {
            RAN.incrementAndGet();
        }
    }
}
