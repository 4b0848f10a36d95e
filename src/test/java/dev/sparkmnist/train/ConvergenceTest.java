package dev.sparkmnist.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The convergence rule by itself: rounds add their step-weighted losses to the epoch; the first epoch of a phase is
 * only remembered; a later one stops training when its relative improvement is below tol, and a loss that went up
 * counts as no improvement. And the record a finished run keeps of it: what each phase ran.
 */
class ConvergenceTest {

    @Test
    void theFirstEpochIsOnlyRememberedAndRoundsAreWeightedByTheirSteps() {
        Convergence c = Convergence.START.after(2.0, 1, false, 0.1).after(1.0, 3, true, 0.1);
        assertEquals(1, c.epochs());
        assertEquals((2.0 + 3 * 1.0) / 4, c.previousMean(), 0);
        assertEquals(0, c.epochSteps());
        assertFalse(c.converged(), "nothing to compare the first epoch with");
    }

    @Test
    void anImprovementBelowTolStopsAndOneAboveDoesNot() {
        Convergence first = Convergence.START.after(1.0, 10, true, 0.1);
        Convergence better = first.after(0.8, 10, true, 0.1);   // 20% better
        assertFalse(better.converged());
        assertEquals(0.2, better.improvement(), 1e-15);
        Convergence flat = better.after(0.76, 10, true, 0.1);   // 5% better
        assertTrue(flat.converged());
        assertEquals(3, flat.epochs());
        assertTrue(flat.describe(0.1).startsWith("converged at epoch 3 (relative improvement 0.05"),
                flat.describe(0.1));
    }

    @Test
    void aLossThatWentUpCountsAsNoImprovement() {
        Convergence worse = Convergence.START.after(1.0, 5, true, 1e-9).after(1.1, 5, true, 1e-9);
        assertTrue(worse.converged());
        assertTrue(worse.improvement() < 0);
    }

    @Test
    void aRoundInsideAnEpochNeverStops() {
        Convergence c = Convergence.START.after(1.0, 5, true, 0.5).after(100, 5, false, 0.5);
        assertFalse(c.converged());
        assertEquals(500, c.epochLossSum(), 0);
        assertEquals(5, c.epochSteps());
    }

    @Test
    void anEpochIsOnePassOfTheTrainingRecordsAtTheGlobalBatch() {
        PhaseConfig phase = PhaseConfig.plain(100, 60, 0.001, 0);
        TrainingConfig config = new TrainingConfig(4, 1, dev.sparkmnist.data.InputScaling.MNIST_STANDARD, 2, 10,
                java.util.List.of(phase));
        dev.sparkmnist.nn.LayerSizes sizes = new dev.sparkmnist.nn.LayerSizes(4, 4, 2);
        assertEquals(0, new PhaseRounds(config, new KeyedShuffleSampler(), 0, 2, sizes, 601).epochIterations(),
                "tol 0: no epochs, no check");
        PhaseRounds rounds = new PhaseRounds(config.withTol(1e-3), new KeyedShuffleSampler(), 0, 2, sizes, 601);
        assertEquals(11, rounds.epochIterations(), "ceil(601 / 60)");
        assertFalse(rounds.endsEpoch(0, 10));
        assertTrue(rounds.endsEpoch(10, 1));
        assertTrue(rounds.endsEpoch(8, 7), "a round that straddles the boundary ends the epoch");
        assertFalse(rounds.endsEpoch(11, 10));
    }

    @Test
    void theSummarySaysWhatRanInEachPhase() {
        TrainingConfig config = new TrainingConfig(4, 1, dev.sparkmnist.data.InputScaling.MNIST_STANDARD, 2, 10,
                java.util.List.of(PhaseConfig.plain(100, 60, 0.001, 0), PhaseConfig.plain(300, 60, 0.001, 0),
                        PhaseConfig.plain(50, 60, 0.001, 0)));
        dev.sparkmnist.nn.Network net = dev.sparkmnist.nn.Network.initialise(
                new dev.sparkmnist.nn.LayerSizes(4, 4, 2), 1);
        Convergence stop = new Convergence(0, 0, 3, 0.5, 0.001, true);
        TrainingState stopped = new TrainingState(1, 33, 133, net, new double[net.parameters().length],
                new double[0], stop);
        assertEquals(null, Convergence.summary(config, 2, stopped), "tol 0: nothing to record");

        java.util.Map<String, Object> s = Convergence.summary(config.withTol(0.01), 2, stopped);
        assertEquals(true, s.get("converged"));
        assertEquals(2, s.get("phase"));
        assertEquals(133L, s.get("iteration"));
        assertEquals(java.util.List.of(phase(100, 100, "completed"), phase(300, 33, "converged"),
                phase(50, 0, "skipped")), s.get("phases"));

        TrainingState ran = new TrainingState(3, 0, 450, net, new double[net.parameters().length]);
        java.util.Map<String, Object> all = Convergence.summary(config.withTol(0.01), 2, ran);
        assertEquals(false, all.get("converged"));
        assertFalse(all.containsKey("iteration"));
        assertEquals(java.util.List.of(phase(100, 100, "completed"), phase(300, 300, "completed"),
                phase(50, 50, "completed")), all.get("phases"));
    }

    private static java.util.Map<String, Object> phase(long planned, long run, String end) {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("iterationsPlanned", planned);
        m.put("iterationsRun", run);
        m.put("end", end);
        return m;
    }
}
