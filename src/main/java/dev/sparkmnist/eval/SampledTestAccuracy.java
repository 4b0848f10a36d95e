package dev.sparkmnist.eval;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sparkmnist.data.ImageBlock;
import dev.sparkmnist.data.InputScaling;
import dev.sparkmnist.data.MnistFiles;
import dev.sparkmnist.idx.IdxHeader;
import dev.sparkmnist.idx.IdxKind;
import dev.sparkmnist.idx.IdxReader;
import dev.sparkmnist.train.RoundStats;
import dev.sparkmnist.train.TrainingListener;
import dev.sparkmnist.train.TrainingState;

/**
 * Measures test accuracy every {@code every} iterations during training, for the report's accuracy curve. It uses
 * a fixed sample (the first records of the test set) held on the driver and predicted there, so a measurement
 * costs a forward pass over the sample and no Spark job; the final, full test accuracy is in {@code metrics.json}.
 */
public final class SampledTestAccuracy implements TrainingListener {
    private static final Logger LOG = LoggerFactory.getLogger(SampledTestAccuracy.class);
    /** Test records used when the caller does not say. */
    public static final int DEFAULT_SAMPLE = 2000;

    private final ImageBlock sample;
    private final InputScaling scaling;
    private final long every;
    private final List<AccuracyPoint> history = new ArrayList<>();
    private long nextAt;

    public SampledTestAccuracy(ImageBlock sample, InputScaling scaling, long every) {
        if (every < 1) {
            throw new IllegalArgumentException("every must be at least 1, got " + every);
        }
        this.sample = sample;
        this.scaling = scaling;
        this.every = every;
        this.nextAt = every;
    }

    /** A probe on the first {@code sampleSize} records (or all, if fewer) of a test images/labels pair. */
    public static SampledTestAccuracy firstRecords(MnistFiles.Split test, int sampleSize, InputScaling scaling,
                                                   long every) {
        IdxHeader images = IdxReader.readHeader(test.images(), IdxKind.IMAGES);
        IdxHeader labels = IdxReader.readHeader(test.labels(), IdxKind.LABELS);
        IdxReader.requireSameCount(images, labels);
        int n = (int) Math.min(sampleSize, images.count());
        byte[] labelBytes = IdxReader.readRecords(labels, 0, n);
        ImageBlock block = new ImageBlock(0, n, images.recordBytes(), IdxReader.readRecords(images, 0, n),
                labelBytes);
        return new SampledTestAccuracy(block, scaling, every);
    }

    /** Records in the sample. */
    public int sampleSize() {
        return sample.count();
    }

    /** The measured points, oldest first. */
    public List<AccuracyPoint> history() {
        return Collections.unmodifiableList(history);
    }

    @Override
    public long weightsEveryIterations() {
        return every;
    }

    @Override
    public void afterRound(TrainingState state, RoundStats stats) {
        if (state.globalStep() < nextAt) {
            return;
        }
        while (nextAt <= state.globalStep()) {
            nextAt += every;
        }
        measure(state);
    }

    @Override
    public void finished(TrainingState state) {
        if (history.isEmpty() || history.get(history.size() - 1).iteration() != state.globalStep()) {
            measure(state);
        }
    }

    private void measure(TrainingState state) {
        double accuracy = Evaluator.confusion(sample, state.network(), scaling).accuracy();
        // After a phase ends the state already names the next phase, at iteration 0 of it.
        int phase = state.phaseIteration() == 0 ? Math.max(0, state.phase() - 1) : state.phase();
        history.add(new AccuracyPoint(phase, state.globalStep(), accuracy));
        String line = String.format(Locale.ROOT, "iteration %,d: test accuracy %.2f%% (first %d test records)",
                state.globalStep(), 100 * accuracy, sample.count());
        if (System.console() == null) {
            LOG.info(line);
        } else {
            LOG.debug(line); // a terminal shows the progress bar; a log line would break it
        }
    }

    /** Test accuracy on the sample after {@code iteration} global iterations, in 0-based {@code phase}. */
    public record AccuracyPoint(int phase, long iteration, double accuracy) {
    }
}
