package dev.sparkmnist.model;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The {@code committee} entry of a committee's {@code model.json}: how the members' probabilities are combined, how
 * that combination was chosen and what was measured, and each member (its sub-directory, which is a complete
 * single-network model directory, and what made it differ from the others).
 *
 * @param combination the {@link Combination#word()} the committee scores with
 * @param chosenBy    how the combination was chosen (the measurement that decided it)
 * @param measured    accuracy of every combination on the sets measured ({@code train}, {@code test}), by word
 * @param members     the members, in order
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CommitteeInfo(String combination, String chosenBy, Map<String, Map<String, Double>> measured,
                            List<Member> members) {

    /** The sub-directory of member {@code i}. */
    public static String memberDir(int i) {
        return "member-" + i;
    }

    /**
     * One member.
     *
     * @param dir             its model directory, relative to the committee's
     * @param seed            its seed (initial weights, batch draws, distortions)
     * @param hidden          its hidden units
     * @param augmentation    its distortions ({@code none} for none)
     * @param trainAccuracy   its accuracy on the training set
     * @param testAccuracy    its accuracy on the test set
     * @param trainingSeconds the wall time of its task's training (the last attempt's)
     * @param attempts        task attempts it took (more than 1 after a failure; it then resumed a checkpoint)
     * @param convergence     what the convergence check ({@code --tol}) did in its training, the same record as its
     *                        own {@code model.json}'s {@code metrics.convergence}; null (left out) without one
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Member(String dir, long seed, int hidden, String augmentation, Double trainAccuracy,
                         Double testAccuracy, Double trainingSeconds, Integer attempts,
                         Map<String, Object> convergence) {
    }
}
