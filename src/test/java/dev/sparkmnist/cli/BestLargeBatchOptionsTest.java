package dev.sparkmnist.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import picocli.CommandLine;

/**
 * The best preset's large batch ({@code ScaleOut.LargeBatch}) is its plan where its steps are synchronous (from 5
 * partitions on), and only as long as no option sets the batch, rate, length or local steps: then the phases run
 * as given.
 */
class BestLargeBatchOptionsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "2  | ''                    | 256",
            "4  | ''                    | 256",
            "8  | ''                    | 2048",
            "32 | ''                    | 2048",
            "8  | --lambda 0.001        | 2048",
            "8  | --batch-size 256      | 256",
            "8  | --lr 0.0002           | 256",
            "8  | --iterations 1000     | 256",
            "8  | --local-steps auto    | 256",
            "8  | --partition-batch 32  | 256",
            "8  | --phase lambda=0.001  | 256"})
    void theLargeBatchIsThePresetsPlanUntilAnOptionSetsTheSteps(int partitions, String extra, int expectedBatch) {
        TrainCommand command = new TrainCommand();
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("--preset", "best"));
        if (!extra.isBlank()) {
            args.addAll(java.util.List.of(extra.trim().split(" ")));
        }
        new CommandLine(command).parseArgs(args.toArray(String[]::new));
        int reference = "--partition-batch 32".equals(extra.trim()) ? 32 * partitions : expectedBatch;
        assertEquals(reference, command.training.config("unused", partitions, null).plan(0).globalBatch(),
                "--preset best " + extra + " on " + partitions + " partitions");
    }
}
