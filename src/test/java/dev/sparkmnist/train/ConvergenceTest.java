package dev.sparkmnist.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The convergence rule by itself: rounds add their step-weighted losses to the epoch; the first epoch of a phase is
 * only remembered; a later one stops training when its relative improvement is below tol, and a loss that went up
 * counts as no improvement.
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
}
