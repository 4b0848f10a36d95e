package dev.sparkmnist.fetch;

import java.util.ArrayList;
import java.util.List;

import dev.sparkmnist.data.MnistFiles;

/**
 * Checks a data folder before a command reads it, so that MNIST's files are never mixed with other data: when
 * files a command needs are missing, the files that are there are verified against MNIST's sums. A folder holding
 * MNIST's files (or nothing) may be completed by a fetch; a folder holding any other file is refused, naming what
 * is missing and saying that the folder holds other data. Checking never writes anything.
 */
public final class DataFolder {
    private DataFolder() {
    }

    /** What a folder holds of the four files: paths there, names missing, names of files that are not MNIST's. */
    public record Contents(List<String> present, List<String> missing, List<String> foreign) {
        /** True when some file there is not MNIST's. */
        public boolean holdsOtherData() {
            return !foreign.isEmpty();
        }
    }

    /** Which of the four files {@code dataDir} holds, and which of those are not MNIST's (each one hashed). */
    public static Contents inspect(String dataDir) {
        DataDirectory dir = DataDirectory.of(dataDir, false);
        List<String> present = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<String> foreign = new ArrayList<>();
        for (ExpectedFile f : FetchSettings.defaults().files()) {
            String there = dir.existing(f.name());
            if (there == null) {
                missing.add(f.name());
                continue;
            }
            present.add(there);
            try {
                Verifier.verify(there, f);
            } catch (VerificationException e) {
                foreign.add(new org.apache.hadoop.fs.Path(there).getName());
            }
        }
        return new Contents(present, missing, foreign);
    }

    /**
     * Returns when {@code dataDir} holds every file in {@code needed} (plain or gzipped); else throws a
     * {@link MnistFiles.MissingDataException} (exit code 2) naming the missing files and, when the folder holds
     * other data, saying that MNIST's files will not be fetched into it.
     */
    public static void requireFiles(String dataDir, String... needed) {
        DataDirectory dir = DataDirectory.of(dataDir, false);
        List<String> lacking = new ArrayList<>();
        for (String name : needed) {
            if (dir.existing(name) == null) {
                lacking.add(name);
            }
        }
        if (lacking.isEmpty()) {
            return;
        }
        Contents contents = inspect(dataDir);
        if (contents.holdsOtherData()) {
            throw otherData(dataDir, lacking, contents);
        }
        throw new MnistFiles.MissingDataException(String.format(
                "%s lacks %s: run `./submit.sh fetch --data-dir %s` to fetch MNIST there, or put your own IDX files "
                        + "there (plain or .gz)", dataDir, String.join(", ", lacking), dataDir));
    }

    /** The refusal for a folder that lacks {@code lacking} and holds files that are not MNIST's. */
    static MnistFiles.MissingDataException otherData(String dataDir, List<String> lacking, Contents contents) {
        return new MnistFiles.MissingDataException(String.format(
                "%s lacks %s and holds other data (%s %s not MNIST's), so MNIST's files are not fetched into it: "
                        + "put the missing file%s of your data set there (plain or .gz), or use a folder of its own "
                        + "for MNIST; nothing was written", dataDir, String.join(", ", lacking),
                String.join(", ", contents.foreign()), contents.foreign().size() == 1 ? "is" : "are",
                lacking.size() == 1 ? "" : "s"));
    }
}
