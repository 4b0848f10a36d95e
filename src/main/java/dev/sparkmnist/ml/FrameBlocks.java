package dev.sparkmnist.ml;

import java.io.ByteArrayOutputStream;
import java.util.Iterator;
import java.util.List;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.apache.spark.sql.functions.col;

import dev.sparkmnist.data.ClassCount;
import dev.sparkmnist.data.ImageBlock;

/**
 * Turns a DataFrame's (label, features) rows into the cached RDD of compact {@link ImageBlock}s the distributed
 * trainer works on: one block per partition, one byte per pixel, validated row by row on the executors.
 *
 * <p>Features are rounded to the nearest whole pixel value 0..255, since a block stores one byte per pixel (MNIST's
 * own resolution); prediction uses the values as given. The DataFrame's partitions become the training partitions,
 * coalesced (no shuffle) to at most {@code maxPartitions}; if some partition is empty, the rows are spread evenly
 * over as many partitions (or fewer when there are fewer rows) instead, because every training task needs records.
 */
final class FrameBlocks {
    private static final Logger LOG = LoggerFactory.getLogger(FrameBlocks.class);

    private FrameBlocks() {
    }

    /** The materialised, cached blocks and how many records they hold; unpersist the blocks when done. */
    record Blocks(JavaRDD<ImageBlock> rdd, long records) {
        /** The largest label plus one (one small job over the cached blocks). */
        int classSpan() {
            return rdd.map(b -> ClassCount.span(b.labels())).reduce(Math::max);
        }
    }

    /** What a row must look like: the columns (with their param names, for messages) and the vector size. */
    record RowSpec(String labelCol, String featuresCol, FeatureRange range, int inputs) implements java.io.Serializable {
    }

    static Blocks of(Dataset<?> data, RowSpec spec, int maxPartitions) {
        JavaRDD<Row> rows = data.select(col(spec.labelCol()).cast("double"), col(spec.featuresCol())).toJavaRDD();
        if (rows.getNumPartitions() > maxPartitions) {
            rows = rows.coalesce(maxPartitions);
        }
        Blocks blocks = materialise(rows, spec);
        if (blocks.records() == 0) {
            blocks.rdd().unpersist(false);
            throw new BadInputException("the DataFrame has no rows to train on");
        }
        boolean someEmpty = blocks.rdd().map(ImageBlock::count).collect().contains(0);
        if (someEmpty) {
            blocks.rdd().unpersist(false);
            int p = (int) Math.min(rows.getNumPartitions(), blocks.records());
            LOG.info("some of the DataFrame's partitions are empty: spreading its {} rows over {} partitions",
                    blocks.records(), p);
            blocks = materialise(rows.repartition(p), spec);
        }
        return blocks;
    }

    private static Blocks materialise(JavaRDD<Row> rows, RowSpec spec) {
        JavaRDD<ImageBlock> rdd = rows.mapPartitionsWithIndex(new ToBlock(spec), true)
                .setName("DataFrame blocks").persist(StorageLevel.MEMORY_ONLY());
        try {
            List<Integer> counts = rdd.map(ImageBlock::count).collect();
            return new Blocks(rdd, counts.stream().mapToLong(Integer::longValue).sum());
        } catch (Exception e) {
            rdd.unpersist(false);
            throw BadInputException.unwrap(e);
        }
    }

    /** Packs one partition's rows into one block, checking every label and feature value. */
    private record ToBlock(RowSpec spec) implements Function2<Integer, Iterator<Row>, Iterator<ImageBlock>> {
        private static final long serialVersionUID = 1L;

        @Override
        public Iterator<ImageBlock> call(Integer partition, Iterator<Row> rows) {
            ByteArrayOutputStream pixels = new ByteArrayOutputStream();
            ByteArrayOutputStream labels = new ByteArrayOutputStream();
            byte[] image = new byte[spec.inputs()];
            int count = 0;
            while (rows.hasNext()) {
                Row row = rows.next();
                String where = " in row " + count + " of partition " + partition;
                labels.write(label(row, where));
                pixels(row, where, image);
                pixels.write(image, 0, image.length);
                count++;
            }
            return List.of(new ImageBlock(0, count, spec.inputs(), pixels.toByteArray(), labels.toByteArray()))
                    .iterator();
        }

        private int label(Row row, String where) {
            String column = "labelCol '" + spec.labelCol() + "'";
            if (row.isNullAt(0)) {
                throw new BadInputException(column + ": null label" + where);
            }
            double label = row.getDouble(0);
            if (!(label >= 0 && label < ClassCount.MAX && label == Math.rint(label))) {
                throw new BadInputException(column + ": label " + label + where + " is not a class number 0.."
                        + (ClassCount.MAX - 1));
            }
            return (int) label;
        }

        private void pixels(Row row, String where, byte[] out) {
            String column = "featuresCol '" + spec.featuresCol() + "'";
            if (row.isNullAt(1)) {
                throw new BadInputException(column + ": null features" + where);
            }
            Vector v = row.getAs(1);
            if (v.size() != out.length) {
                throw new BadInputException(String.format("%s: a vector of %d values%s; the model takes %d",
                        column, v.size(), where, out.length));
            }
            double[] values = v.toArray();
            for (int k = 0; k < values.length; k++) {
                double x = values[k];
                if (!Double.isFinite(x)) {
                    throw new BadInputException(String.format("%s: value %s at element %d%s", column, x, k, where));
                }
                long pixel = Math.round(spec.range().pixel(x));
                if (pixel < 0 || pixel > 255) {
                    throw new BadInputException(String.format("%s: value %s at element %d%s is outside 0..%s "
                            + "(featureRange %s)", column, x, k, where, spec.range().max(),
                            spec.range().name().toLowerCase(java.util.Locale.ROOT)));
                }
                out[k] = (byte) pixel;
            }
        }
    }
}
