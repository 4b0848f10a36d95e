package dev.sparkmnist.ml;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import dev.sparkmnist.data.ClassCount;
import dev.sparkmnist.data.IdxRddLoader;
import dev.sparkmnist.data.ImageBlock;
import dev.sparkmnist.data.MnistFiles;
import dev.sparkmnist.idx.IdxFormatException;
import dev.sparkmnist.idx.IdxHeader;
import dev.sparkmnist.idx.IdxKind;
import dev.sparkmnist.idx.IdxReader;

/**
 * An IDX images file, with or without its labels file, as a DataFrame: {@code index} (the record's position in the
 * file, from 0), {@code label} (a double, the class number, only with labels) and {@code features} (a dense vector
 * of the rows x cols pixel values 0..255). The files are checked exactly as the training job checks them (header,
 * length, gzip, count agreement, labels; one error naming the file) and read as {@code IdxRddLoader} reads them:
 * each partition reads its own range of records. Any Hadoop path.
 */
public final class IdxFrames {
    public static final String INDEX = "index";
    public static final String LABEL = "label";
    public static final String FEATURES = "features";

    private IdxFrames() {
    }

    /** The DataFrame of {@code images} (and {@code labels}, which may be null) in at most {@code partitions}. */
    public static Dataset<Row> read(SparkSession spark, String images, String labels, int partitions) {
        return read(spark, images, labels, partitions, ClassCount.MAX);
    }

    /**
     * As {@link #read(SparkSession, String, String, int)}, refusing a label that is not one of {@code classes} (a
     * model's) with one line naming the labels file.
     */
    public static Dataset<Row> read(SparkSession spark, String images, String labels, int partitions, int classes) {
        boolean labelled = labels != null;
        JavaRDD<Row> rows = blocks(spark, images, labels, partitions, classes)
                .flatMap(block -> toRows(block, labelled));
        return spark.createDataFrame(rows, schema(labelled));
    }

    /**
     * The checked file pair as blocks of consecutive records, one per partition (all labels 0 when {@code labels}
     * is null): what {@link #read} and {@link IdxScoring} start from.
     */
    static JavaRDD<ImageBlock> blocks(SparkSession spark, String images, String labels, int partitions, int classes) {
        images = MnistFiles.plainOrGzipped(images);
        labels = labels == null ? null : MnistFiles.plainOrGzipped(labels);
        IdxHeader header = IdxReader.readHeader(images, IdxKind.IMAGES);
        if (header.count() > Integer.MAX_VALUE - 16) {
            throw new IdxFormatException(images + ": " + header.count() + " records are more than one file may hold");
        }
        boolean labelled = labels != null;
        byte[] labelBytes = labelled ? IdxRddLoader.readLabels(labels, header) : new byte[(int) header.count()];
        if (labelled) {
            int outside = ClassCount.firstOutside(labelBytes, classes);
            if (outside >= 0) {
                throw new BadInputException(String.format("%s: label %d at record %d is not one of the model's %d "
                        + "classes (0..%d)", labels, labelBytes[outside] & 0xff, outside, classes, classes - 1));
            }
        }
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        return IdxRddLoader.blocks(sc, header, labelBytes, partitions);
    }

    /** {@code index, [label,] features}. */
    static StructType schema(boolean labelled) {
        List<StructField> fields = new ArrayList<>();
        fields.add(DataTypes.createStructField(INDEX, DataTypes.LongType, false));
        if (labelled) {
            fields.add(DataTypes.createStructField(LABEL, DataTypes.DoubleType, false));
        }
        fields.add(DataTypes.createStructField(FEATURES, SQLDataTypes.VectorType(), false));
        return DataTypes.createStructType(fields);
    }

    /** The block's rows, made one at a time as Spark reads them (a block may hold a whole file's images). */
    private static Iterator<Row> toRows(ImageBlock block, boolean labelled) {
        int d = block.pixelsPerImage();
        byte[] pixels = block.pixels();
        return IntStream.range(0, block.count()).mapToObj(j -> {
            double[] values = new double[d];
            for (int k = 0; k < d; k++) {
                values[k] = pixels[j * d + k] & 0xff;
            }
            DenseVector features = new DenseVector(values);
            long index = block.firstRecord() + j;
            return labelled ? RowFactory.create(index, (double) block.label(j), features)
                    : RowFactory.create(index, features);
        }).iterator();
    }
}
