package dev.scaleplane.core.orchestration.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleplane.api.orchestration.TaskBacklog;
import dev.scaleplane.api.orchestration.scaling.ScalingActuator;
import dev.scaleplane.api.orchestration.scaling.ScalingDecision;
import dev.scaleplane.api.orchestration.scaling.ScalingDecision.Reason;
import dev.scaleplane.api.orchestration.scaling.ScalingPolicy;
import dev.scaleplane.testing.VirtualTaskClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongToIntFunction;
import org.junit.jupiter.api.Test;

/**
 * The default behaviour (+100% per 15 s after a 60 s window up, -10% per 60 s after a 300 s window down, evaluation
 * every 15 s, 10 tasks per worker) on synthetic backlog curves, on virtual time. Each expected series is derived by hand
 * from the HPA rules in the comments; the assertions cover every evaluation, not only the changes.
 */
class LoadCurvesTest {
    private final VirtualTaskClock clock = new VirtualTaskClock();

    /** The pool's count as set by the autoscaler: an actuator with nothing behind it, to isolate the algorithm. */
    private static final class Counter implements ScalingActuator {
        int workers = 1;

        @Override
        public int currentWorkers() {
            return workers;
        }

        @Override
        public void scale(int workers, ScalingDecision decision) {
            this.workers = workers;
        }
    }

    private record Run(Map<Long, Integer> series, List<ScalingDecision> decisions) {}

    /** Runs the loop for {@code seconds} with the backlog depth {@code depth(second)}; one entry per evaluation. */
    private Run run(ScalingPolicy policy, long seconds, LongToIntFunction depth) {
        Counter pool = new Counter();
        long start = clock.now().getEpochSecond();
        List<ScalingDecision> decisions = new ArrayList<>();
        Map<Long, Integer> series = new LinkedHashMap<>();
        try (Autoscaler autoscaler = Autoscaler.builder("curve", pool)
                .backlog(() -> TaskBacklog.ofDepth(depth.applyAsInt(clock.now().getEpochSecond() - start)))
                .policy(policy)
                .clock(clock)
                .build()) {
            autoscaler.start();
            for (long t = 0; t <= seconds; t += 15) {
                clock.advance(t == 0 ? Duration.ZERO : Duration.ofSeconds(15));
                ScalingDecision d = autoscaler.lastDecision();
                assertThat(d).isNotNull();
                assertThat(d.at().getEpochSecond() - start)
                        .as("evaluated on the interval")
                        .isEqualTo(t);
                decisions.add(d);
                series.put(t, pool.workers);
            }
        }
        Flapping.assertNone(decisions, policy);
        return new Run(series, decisions);
    }

    /**
     * Expands {@code changes}, {@code "second:count"} pairs separated by spaces, to the count after every evaluation up
     * to {@code seconds}.
     */
    private static Map<Long, Integer> expected(long seconds, int initial, String changes) {
        Map<Long, Integer> at = new LinkedHashMap<>();
        for (String change : changes.trim().split("\\s+")) {
            if (!change.isEmpty()) {
                String[] parts = change.split(":");
                at.put(Long.parseLong(parts[0]), Integer.parseInt(parts[1]));
            }
        }
        Map<Long, Integer> series = new LinkedHashMap<>();
        int workers = initial;
        for (long t = 0; t <= seconds; t += 15) {
            workers = at.getOrDefault(t, workers);
            series.put(t, workers);
        }
        return series;
    }

    private static Reason reasonAt(Run run, long second) {
        return run.decisions.get((int) (second / 15)).reason();
    }

    @Test
    void stepUpWaitsOutTheWindowThenDoublesEvery15sAndStepDownShedsTenPercentAMinute() {
        ScalingPolicy policy = ScalingPolicy.builder().workers(1, 20).build();
        // 150 tasks (15 workers' worth) from 60 s to 600 s, nothing before or after.
        Run run = run(policy, 1560, t -> t >= 60 && t < 600 ? 150 : 0);
        assertThat(run.series)
                .isEqualTo(expected(
                        1560,
                        1,
                        // up: the window (60 s, samples strictly after now-60) holds until 105; then 1x2, 2x2, 4x2,
                        // and 8x2=16 is more than the 15 recommended
                        "105:2 120:4 135:8 150:15 "
                                // down: the last sample of 15 is at 585, so at 885 the window allows 1; -10% of the
                                // count at the start of each 60 s period, rounded down: 15->13, 13->11, ... 2->1
                                + "885:13 945:11 1005:9 1065:8 1125:7 1185:6 1245:5 1305:4 1365:3 1425:2 1485:1"));
        assertThat(reasonAt(run, 0)).isEqualTo(Reason.AT_MIN);
        assertThat(reasonAt(run, 60)).isEqualTo(Reason.STABILIZING);
        assertThat(reasonAt(run, 105)).isEqualTo(Reason.SCALE_UP_LIMITED);
        assertThat(reasonAt(run, 150)).isEqualTo(Reason.SCALE_UP);
        assertThat(reasonAt(run, 165)).isEqualTo(Reason.WITHIN_TARGET);
        assertThat(reasonAt(run, 600)).isEqualTo(Reason.STABILIZING);
        assertThat(reasonAt(run, 885)).isEqualTo(Reason.SCALE_DOWN_LIMITED);
        assertThat(reasonAt(run, 900)).as("the 60 s period allows no more").isEqualTo(Reason.RATE_LIMITED);
        assertThat(reasonAt(run, 1545)).isEqualTo(Reason.AT_MIN);
    }

    @Test
    void rampIsFollowedAWindowBehindUpToTheMaximum() {
        ScalingPolicy policy = ScalingPolicy.builder().workers(1, 20).build();
        // +5 tasks every 15 s: the recommendation is ceil(t / 30), rising by one every 30 s, 30 (over the max) at 900.
        Run run = run(policy, 900, t -> (int) (t / 3));
        // The lowest recommendation of the 60 s window is the one of 45 s ago, ceil((t - 45) / 30): 2 at 90, one
        // more every 30 s, 20 at 630; the +100% limit never binds.
        StringBuilder changes = new StringBuilder();
        for (int k = 0; k <= 18; k++) {
            changes.append(90 + 30 * k).append(':').append(2 + k).append(' ');
        }
        assertThat(run.series).isEqualTo(expected(900, 1, changes.toString()));
        assertThat(reasonAt(run, 105)).isEqualTo(Reason.STABILIZING);
        assertThat(reasonAt(run, 120)).isEqualTo(Reason.SCALE_UP);
        assertThat(reasonAt(run, 900)).isEqualTo(Reason.AT_MAX);
    }

    @Test
    void aSpikeShorterThanTheWindowMovesNothing() {
        // 200 tasks seen by the evaluations at 300 and 315 only.
        Run run = run(ScalingPolicy.builder().workers(1, 20).build(), 900, t -> t >= 300 && t < 330 ? 200 : 0);
        assertThat(run.series).isEqualTo(expected(900, 1, ""));
        assertThat(reasonAt(run, 300)).isEqualTo(Reason.STABILIZING);
        assertThat(reasonAt(run, 330)).isEqualTo(Reason.AT_MIN);
    }

    @Test
    void aSpikeLongerThanTheWindowScalesUpHoldsForTheDownWindowThenSheds() {
        // 200 tasks from 300 to 420 s: eight evaluations recommend 20.
        Run run = run(ScalingPolicy.builder().workers(1, 20).build(), 1560, t -> t >= 300 && t < 420 ? 200 : 0);
        assertThat(run.series)
                .isEqualTo(expected(
                        1560,
                        1,
                        // samples at 300..345 fill the window at 345; doubling, capped by the max of 20 at 405
                        "345:2 360:4 375:8 390:16 405:20 "
                                // the last 20 is sampled at 405: nothing moves before 705; then -10% a minute
                                + "705:18 765:16 825:14 885:12 945:10 1005:9 1065:8 1125:7 1185:6 1245:5 1305:4 "
                                + "1365:3 1425:2 1485:1"));
        assertThat(reasonAt(run, 405)).as("16 x 2 is more than the max").isEqualTo(Reason.SCALE_UP);
        assertThat(reasonAt(run, 420)).isEqualTo(Reason.STABILIZING);
        assertThat(reasonAt(run, 690)).isEqualTo(Reason.STABILIZING);
    }

    @Test
    void diurnalCurveRisesAndFallsWithoutFlapping() {
        // A compressed day: a level every 15 minutes, 10 tasks per level unit: 1, 3, 6, 10, 6, 3, 1 workers' worth.
        int[] levels = {1, 3, 6, 10, 6, 3, 1};
        Run run = run(ScalingPolicy.builder().workers(1, 20).build(), 6285, t -> 10 * levels[(int) (t / 900)]);
        assertThat(run.series)
                .isEqualTo(expected(
                        6285,
                        1,
                        // 3: the window fills at 945; 1x2=2, then 2x2=4 is more than 3
                        "945:2 960:3 "
                                // 6 and 10: one step each, within +100%
                                + "1845:6 2745:10 "
                                // 6: the last 10 is sampled at 3585, so 3885; then 10->9->8->7->6 a minute apart
                                + "3885:9 3945:8 4005:7 4065:6 "
                                // 3: the last 6 at 4485, so 4785: 6->5->4->3
                                + "4785:5 4845:4 4905:3 "
                                // 1: the last 3 at 5385, so 5685: 3->2->1
                                + "5685:2 5745:1"));
        assertThat(reasonAt(run, 0)).isEqualTo(Reason.WITHIN_TARGET);
        assertThat(reasonAt(run, 3900)).isEqualTo(Reason.RATE_LIMITED);
    }
}
