package dev.sparkmnist.fetch;

import java.util.Map;

import dev.sparkmnist.data.ContentDigest;

/**
 * Whether data are MNIST itself, by the SHA-256 of their uncompressed content against the real files' sums
 * (built in, not the configurable ones: a settings file cannot make other data "MNIST"). Reports and tables say
 * "digit" and "MNIST (verified)" only then.
 */
public final class MnistIdentity {
    private MnistIdentity() {
    }

    /** True when {@code sumsByFileName} (file name, with or without {@code .gz}, to sum) holds all four real sums. */
    public static boolean isMnist(Map<String, String> sumsByFileName) {
        if (sumsByFileName == null) {
            return false;
        }
        int matched = 0;
        for (ExpectedFile f : FetchSettings.defaults().files()) {
            for (Map.Entry<String, String> e : sumsByFileName.entrySet()) {
                if (e.getKey().replaceFirst("\\.gz$", "").equals(f.name()) && f.sha256().equalsIgnoreCase(e.getValue())) {
                    matched++;
                    break;
                }
            }
        }
        return matched == FetchSettings.defaults().files().size();
    }

    /** True when the file at {@code path} (plain or gzipped) is one of MNIST's four files. */
    public static boolean isMnistFile(String path) {
        String sum = ContentDigest.sha256Uncompressed(path);
        return FetchSettings.defaults().files().stream().anyMatch(f -> f.sha256().equalsIgnoreCase(sum));
    }

    /** "MNIST (verified)" or "other IDX data", as the report names data. */
    public static String describe(boolean mnist) {
        return mnist ? "MNIST (verified)" : "other IDX data";
    }
}
