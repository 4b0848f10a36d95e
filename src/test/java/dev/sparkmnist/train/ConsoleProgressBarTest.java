package dev.sparkmnist.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import dev.sparkmnist.nn.LayerSizes;
import dev.sparkmnist.nn.Network;

/** The terminal progress line: its text, its redraws in place, and the loss history it leaves intact. */
class ConsoleProgressBarTest {

    @Test
    void lineShowsBarIterationLossRateAndEta() {
        String line = ConsoleProgressBar.line(0, 2, 5_000, 20_000, 0.12345, 31_000, 75);
        assertTrue(line.startsWith("[========>"), line);
        assertTrue(line.contains(" 25%"), line);
        assertTrue(line.contains("phase 1/2"), line);
        assertTrue(line.contains("it 5,000/20,000"), line);
        assertTrue(line.contains("loss 0.1235"), line);
        assertTrue(line.contains("31,000 samples/s"), line);
        assertTrue(line.contains("ETA 1:15"), line);
        assertTrue(ConsoleProgressBar.line(1, 2, 20_000, 20_000, 0.1, 1, 0).startsWith("[" + "=".repeat(30) + "]"));
    }

    @Test
    void progressLoggerRedrawsOneLineAndStillRecordsHistory() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        ProgressLogger p = new ProgressLogger(10, 40, 1, new ConsoleProgressBar(out));
        Network net = Network.initialise(new LayerSizes(4, 2, 2), 1);
        for (int i = 1; i <= 8; i++) {
            p.afterRound(new TrainingState(0, 5L * i, 5L * i, net, new double[0]),
                    new RoundStats(0, 5, 1.0 / i, 50, 0.1, 1_000_000_000L * i));
        }
        p.finished(new TrainingState(1, 0, 40, net, new double[0]));
        String text = buf.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("\r["), "redrawn with a carriage return: " + text);
        assertEquals(1, text.chars().filter(c -> c == '\n').count(), "one line, ended once: " + text);
        assertTrue(text.contains("it 40/40"), "the last state is always drawn: " + text);
        assertEquals(5, p.history().size(), "history at 5 (the first round: the curve starts there), 10, 20, 30, 40");
        assertEquals(5, p.history().get(0).iteration());
        assertEquals(40, p.history().get(4).iteration());
    }

    @Test
    void aStopByTolEndsTheCurveAndTheLineAtTheIterationsThatRan() {
        Network net = Network.initialise(new LayerSizes(4, 2, 2), 1);
        TrainingState stopped = new TrainingState(0, 13, 13, net, new double[0], new double[0],
                new Convergence(0, 0, 2, 1.0, 0.001, true));
        ProgressLogger logged = new ProgressLogger(10, 40, 2, null);
        logged.afterRound(new TrainingState(0, 5, 5, net, new double[0]), new RoundStats(0, 5, 1.0, 50, 0.1, 1_000));
        logged.afterRound(new TrainingState(0, 10, 10, net, new double[0]), new RoundStats(0, 5, 0.9, 50, 0.1, 2_000));
        logged.afterRound(stopped, new RoundStats(0, 3, 0.8, 30, 0.1, 3_000));
        assertEquals(3, logged.history().size(), "the stop is the curve's last point, not lost between two lines");
        assertEquals(13, logged.history().get(2).iteration());

        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ProgressLogger drawn = new ProgressLogger(10, 40, 2,
                new ConsoleProgressBar(new PrintStream(buf, true, StandardCharsets.UTF_8)));
        drawn.afterRound(stopped, new RoundStats(0, 13, 0.8, 130, 0.1, 3_000));
        String bar = buf.toString(StandardCharsets.UTF_8);
        assertTrue(bar.contains("100%") && bar.contains("it 13/13") && bar.contains("ETA 0:00"), bar);

        String last = ProgressLogger.line(0, 2, 13, -1, 0.8, 100, 3, 0);
        assertTrue(last.contains("iteration 13, the last (converged)"), last);
        assertTrue(!last.contains("40") && !last.contains("ETA"), "no planned total, no ETA: " + last);
        String running = ProgressLogger.line(0, 2, 13, 40, 0.8, 100, 3, 6);
        assertTrue(running.contains("iteration 13/40") && running.contains("ETA 0:06"), running);
    }
}
