package dev.sparkmnist.collective;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import dev.sparkmnist.data.ImageBlock;
import scala.Tuple2;
import scala.runtime.AbstractFunction1;

/**
 * The barrier stage's partition function in Scala's terms ({@code RDDBarrier.mapPartitions} has no Java API), built
 * only from what Scala 2.12 and 2.13 share: it reads the partition's Scala iterator by hand and returns a Scala
 * iterator over the task's outcome.
 */
final class BarrierFunction
        extends AbstractFunction1<scala.collection.Iterator<Tuple2<Integer, ImageBlock>>,
        scala.collection.Iterator<TaskOutcome>> implements Serializable {
    private static final long serialVersionUID = 1L;

    private final CollectiveTask task;

    BarrierFunction(CollectiveTask task) {
        this.task = task;
    }

    @Override
    public scala.collection.Iterator<TaskOutcome> apply(scala.collection.Iterator<Tuple2<Integer, ImageBlock>> in) {
        List<Tuple2<Integer, ImageBlock>> input = new ArrayList<>();
        while (in.hasNext()) {
            input.add(in.next());
        }
        Iterator<TaskOutcome> out = task.run(input).iterator();
        return new scala.collection.AbstractIterator<TaskOutcome>() {
            @Override
            public boolean hasNext() {
                return out.hasNext();
            }

            @Override
            public TaskOutcome next() {
                return out.next();
            }
        };
    }
}
