package dev.sparkmnist.ml;

import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

import dev.sparkmnist.data.ClassCount;
import dev.sparkmnist.fs.HadoopConf;

/**
 * A folder of PNG/JPEG digit images as a DataFrame: {@code index} (position in path order, from 0), {@code path},
 * {@code label} (only for a labelled folder) and {@code features} (784 pixel values 0..255, see
 * {@link DigitImages} for the grayscale conversion and the resize to 28 x 28).
 *
 * <p>Layout: images directly in the folder are unlabelled; a folder holding only the sub-folders {@code 0} ...
 * {@code 9} is labelled by them, the layout torchvision's and Keras' image-folder readers use ({@code digits/7/a.png}
 * is a 7). Files are taken when their names end in {@code .png}, {@code .jpg} or {@code .jpeg} (any case); names
 * starting with {@code .} or {@code _} are ignored (hidden files, Spark's {@code _SUCCESS}). Anything else (another
 * file, a sub-folder not named 0-9, images beside digit sub-folders, no image at all) is one error naming it, before
 * any image is read. Listing happens on the driver, decoding on the executors. Any Hadoop path.
 */
public final class ImageFolderFrames {
    public static final String PATH = "path";

    private ImageFolderFrames() {
    }

    /** One image to read: its index, path and label (-1 when unlabelled). */
    record ImageFile(long index, String path, int label) implements Serializable {
    }

    /** True when {@code path} is a directory (so {@code predict --images} reads it as an image folder). */
    public static boolean isFolder(String path, Configuration conf) {
        Path p = new Path(path);
        try {
            return p.getFileSystem(conf).getFileStatus(p).isDirectory();
        } catch (FileNotFoundException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": " + e.getMessage(), e);
        }
    }

    /** The DataFrame of the images under {@code dir}, in at most {@code partitions} partitions. */
    public static Dataset<Row> read(SparkSession spark, String dir, int partitions) {
        return read(spark, dir, partitions, ClassCount.MAX);
    }

    /** As {@link #read(SparkSession, String, int)}, refusing a sub-folder that is not one of {@code classes}. */
    public static Dataset<Row> read(SparkSession spark, String dir, int partitions, int classes) {
        List<ImageFile> files = list(dir, spark.sparkContext().hadoopConfiguration());
        for (ImageFile f : files) {
            if (f.label() >= classes) {
                throw new BadInputException(new Path(f.path()).getParent() + ": sub-folder " + f.label()
                        + " is not one of the model's " + classes + " classes (0.." + (classes - 1) + ")");
            }
        }
        boolean labelled = files.get(0).label() >= 0;
        int p = Math.max(1, Math.min(partitions, files.size()));
        JavaRDD<Row> rows = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(files, p)
                .map(f -> toRow(f, labelled));
        List<StructField> fields = new ArrayList<>(java.util.Arrays.asList(IdxFrames.schema(labelled).fields()));
        fields.add(1, DataTypes.createStructField(PATH, DataTypes.StringType, false));
        return spark.createDataFrame(rows, DataTypes.createStructType(fields));
    }

    /** The images of {@code dir} in path order, checked against the layout above. */
    static List<ImageFile> list(String dir, Configuration conf) {
        Path root = new Path(dir);
        try {
            FileSystem fs = root.getFileSystem(conf);
            if (!fs.exists(root)) {
                throw new BadInputException(dir + ": no such image folder");
            }
            List<ImageFile> out = new ArrayList<>();
            List<FileStatus> images = new ArrayList<>();
            List<FileStatus> digitFolders = new ArrayList<>();
            for (FileStatus s : sorted(fs.listStatus(root))) {
                String name = s.getPath().getName();
                if (ignored(name)) {
                    continue;
                }
                if (s.isDirectory()) {
                    if (!name.matches("0|[1-9][0-9]{0,2}") || Integer.parseInt(name) >= ClassCount.MAX) {
                        throw new BadInputException(s.getPath() + ": a sub-folder of an image folder must be named "
                                + "by its class number, 0 to " + (ClassCount.MAX - 1));
                    }
                    digitFolders.add(s);
                } else {
                    images.add(requireImage(s));
                }
            }
            if (!images.isEmpty() && !digitFolders.isEmpty()) {
                throw new BadInputException(images.get(0).getPath() + ": an image beside the digit sub-folders of "
                        + dir + " has no label; move it into its digit's folder");
            }
            for (FileStatus s : images) {
                out.add(new ImageFile(out.size(), s.getPath().toString(), -1));
            }
            for (FileStatus folder : digitFolders) {
                int label = Integer.parseInt(folder.getPath().getName());
                for (FileStatus s : sorted(fs.listStatus(folder.getPath()))) {
                    if (!ignored(s.getPath().getName())) {
                        if (s.isDirectory()) {
                            throw new BadInputException(s.getPath() + ": digit folders hold images, not folders");
                        }
                        out.add(new ImageFile(out.size(), requireImage(s).getPath().toString(), label));
                    }
                }
            }
            if (out.isEmpty()) {
                throw new BadInputException(dir + ": no PNG or JPEG images found (.png, .jpg, .jpeg)");
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot list: " + e.getMessage(), e);
        }
    }

    private static boolean ignored(String name) {
        return name.startsWith(".") || name.startsWith("_");
    }

    private static FileStatus requireImage(FileStatus s) {
        String name = s.getPath().getName().toLowerCase(Locale.ROOT);
        if (!(name.endsWith(".png") || name.endsWith(".jpg") || name.endsWith(".jpeg"))) {
            throw new BadInputException(s.getPath() + ": not a PNG or JPEG file (by its name); image folders hold "
                    + ".png, .jpg or .jpeg files only");
        }
        return s;
    }

    private static FileStatus[] sorted(FileStatus[] list) {
        java.util.Arrays.sort(list, java.util.Comparator.comparing(s -> s.getPath().getName()));
        return list;
    }

    private static Row toRow(ImageFile f, boolean labelled) {
        DenseVector features = new DenseVector(DigitImages.decode(readAll(f.path()), f.path()));
        return labelled ? RowFactory.create(f.index(), f.path(), (double) f.label(), features)
                : RowFactory.create(f.index(), f.path(), features);
    }

    /** The whole file; images bigger than 64 MiB are refused rather than decoded. */
    private static byte[] readAll(String path) {
        Path p = new Path(path);
        try {
            FileSystem fs = p.getFileSystem(HadoopConf.get());
            long len = fs.getFileStatus(p).getLen();
            if (len > 64L << 20) {
                throw new BadInputException(path + ": " + len + " bytes is too large for a digit image");
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) len);
            try (InputStream in = fs.open(p)) {
                in.transferTo(out);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot read: " + e.getMessage(), e);
        }
    }
}
