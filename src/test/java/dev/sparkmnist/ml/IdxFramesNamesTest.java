package dev.sparkmnist.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkmnist.data.MnistFiles;
import dev.sparkmnist.idx.IdxFormatException;
import dev.sparkmnist.testing.SharedSpark;
import dev.sparkmnist.testing.SyntheticDigits;

/**
 * Issue 30, case 5: the README's {@code IdxFrames} example names the plain files, as {@code --data-dir} does; on a
 * folder holding only the {@code .gz} files (what {@code fetch} leaves) it reads those, and a file that is in
 * neither form is still one error naming it.
 */
class IdxFramesNamesTest {
    @TempDir
    Path tmp;

    @Test
    void plainNamesReadTheGzipFilesBesideThem() {
        SparkSession spark = SparkSession.builder().sparkContext(SharedSpark.get().sc()).getOrCreate();
        Path gz = SyntheticDigits.writeMnistLike(tmp, 40, 20, true, 6);
        assertTrue(Files.exists(gz.resolve(MnistFiles.TEST_IMAGES + ".gz")) && !Files.exists(
                gz.resolve(MnistFiles.TEST_IMAGES)));
        long rows = IdxFrames.read(spark, gz + "/" + MnistFiles.TEST_IMAGES, gz + "/" + MnistFiles.TEST_LABELS, 2)
                .count();
        assertEquals(20, rows);
        IdxFormatException e = assertThrows(IdxFormatException.class,
                () -> IdxFrames.read(spark, gz + "/no-such-images", null, 2));
        assertEquals(gz + "/no-such-images: file not found", e.getMessage());
    }
}
