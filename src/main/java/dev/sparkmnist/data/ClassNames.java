package dev.sparkmnist.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import dev.sparkmnist.fs.HadoopConf;

/**
 * What the classes are called in tables, charts and captions, and what one of them is called: "digit" for MNIST
 * (whose classes are the digits 0..9), "class" for any other data. Names come from {@code --class-names}, a
 * {@value #FILE} in the data folder (one name a line) or the model continued from; without any, a class is
 * called by its number.
 *
 * @param names one name per class, in label order
 * @param noun  "digit" or "class"
 */
public record ClassNames(List<String> names, String noun) {
    /** The file in a data folder that names its classes, one a line. */
    public static final String FILE = "classes.txt";
    /** Longest name accepted (tables and captions stay readable). */
    public static final int MAX_LENGTH = 40;

    public ClassNames {
        names = List.copyOf(names);
    }

    /** {@code given} (may be null: the numbers {@code 0..classes-1}), called {@code digit}s or {@code class}es. */
    public static ClassNames of(List<String> given, int classes, boolean mnist) {
        List<String> names = new ArrayList<>(classes);
        for (int k = 0; k < classes; k++) {
            names.add(given == null ? Integer.toString(k) : given.get(k));
        }
        return new ClassNames(names, mnist ? "digit" : "class");
    }

    /** The name of class {@code k}. */
    public String name(int k) {
        return k >= 0 && k < names.size() ? names.get(k) : Integer.toString(k);
    }

    /** What the samples are called when counted: "digits" for MNIST, "images" otherwise. */
    public String samples() {
        return noun.equals("digit") ? "digits" : "images";
    }

    /**
     * Checks names given by the user ({@code source} says where, for the message): exactly {@code classes} of
     * them, none empty, none repeated, none longer than {@value #MAX_LENGTH} characters. Returns them trimmed.
     */
    public static List<String> validate(List<String> names, int classes, String source) {
        List<String> out = new ArrayList<>(names.size());
        Set<String> seen = new HashSet<>();
        for (String n : names) {
            String t = n == null ? "" : n.strip();
            if (t.isEmpty() || t.length() > MAX_LENGTH) {
                throw new IllegalArgumentException(source + ": every class name must have 1.." + MAX_LENGTH
                        + " characters, got '" + t + "'");
            }
            if (!seen.add(t)) {
                throw new IllegalArgumentException(source + ": class name '" + t + "' appears twice");
            }
            out.add(t);
        }
        if (out.size() != classes) {
            throw new IllegalArgumentException(source + ": " + out.size() + " class names given, the model has "
                    + classes + " classes (labels 0.." + (classes - 1) + ")");
        }
        return List.copyOf(out);
    }

    /** The names in {@value #FILE} in {@code dataDir} (blank lines ignored), or null when there is no such file. */
    public static List<String> fromFolder(String dataDir) {
        Path p = new Path(dataDir, FILE);
        try {
            FileSystem fs = p.getFileSystem(HadoopConf.get());
            if (!fs.exists(p)) {
                return null;
            }
            if (fs.getFileStatus(p).getLen() > 1 << 20) {
                throw new IllegalArgumentException(p + ": over 1 MB, not a list of class names");
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (InputStream in = fs.open(p)) {
                in.transferTo(bytes);
            }
            List<String> names = new ArrayList<>();
            for (String line : bytes.toString(StandardCharsets.UTF_8).split("\\R")) {
                if (!line.isBlank()) {
                    names.add(line.strip());
                }
            }
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException(p + ": cannot read: " + e.getMessage(), e);
        }
    }
}
