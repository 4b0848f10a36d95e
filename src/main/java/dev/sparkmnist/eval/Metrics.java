package dev.sparkmnist.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.sparkmnist.data.ClassNames;

/**
 * The evaluation of one model: confusion matrices on the training and test sets (either may be absent) and on
 * the validation records held out of training (absent unless some were), as the printed table and the
 * {@code metrics.json} written beside the model.
 */
public record Metrics(ConfusionMatrix train, ConfusionMatrix test, ConfusionMatrix validation) {

    /** Without a validation set. */
    public Metrics(ConfusionMatrix train, ConfusionMatrix test) {
        this(train, test, null);
    }

    /** The content of {@code metrics.json}. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = summary();
        if (train != null) {
            m.put("train", split(train));
        }
        if (test != null) {
            m.put("test", split(test));
        }
        if (validation != null) {
            m.put("validation", split(validation));
        }
        return m;
    }

    /** Accuracy only, for {@code model.json}. */
    public Map<String, Object> summary() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (train != null) {
            m.put("trainAccuracy", train.accuracy());
        }
        if (test != null) {
            m.put("testAccuracy", test.accuracy());
        }
        if (validation != null) {
            m.put("validationAccuracy", validation.accuracy());
            m.put("validationRecords", validation.total());
        }
        return m;
    }

    /** The tables a person reads at the end of a run, with the classes called as {@code classes} says. */
    public String toText(ClassNames classes) {
        StringBuilder sb = new StringBuilder();
        if (train != null) {
            sb.append(String.format(Locale.ROOT, "training accuracy: %.2f%% (%d of %d)%n", 100 * train.accuracy(),
                    train.correct(), train.total()));
        }
        if (validation != null) {
            sb.append(String.format(Locale.ROOT, "validation accuracy: %.2f%% (%d of %d held-out training records)%n",
                    100 * validation.accuracy(), validation.correct(), validation.total()));
        }
        if (test != null) {
            sb.append(String.format(Locale.ROOT, "test accuracy:     %.2f%% (%d of %d)%n", 100 * test.accuracy(),
                    test.correct(), test.total()));
            sb.append("\ntest confusion matrix (rows: true ").append(classes.noun()).append(", columns: predicted)\n")
                    .append(test.toTable(classes));
        }
        return sb.toString();
    }

    private static Map<String, Object> split(ConfusionMatrix c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("accuracy", c.accuracy());
        m.put("samples", c.total());
        List<Double> perClass = new ArrayList<>(c.classes()); // null: n/a, the set has no sample of the class
        for (int k = 0; k < c.classes(); k++) {
            double a = c.classAccuracy(k);
            perClass.add(Double.isNaN(a) ? null : a);
        }
        m.put("perClassAccuracy", perClass);
        m.put("confusion", c.rows());
        return m;
    }
}
