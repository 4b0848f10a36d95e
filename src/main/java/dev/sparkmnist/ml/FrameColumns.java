package dev.sparkmnist.ml;

import java.util.Arrays;

import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;

/**
 * Schema checks with one clear message naming the param and the column, made before spark.ml's own (whose
 * messages print the whole vector type or the whole schema).
 */
final class FrameColumns {
    private FrameColumns() {
    }

    /** The features column must exist and hold spark.ml {@code Vector}s. */
    static void requireVector(StructType schema, String param, String column) {
        DataType type = require(schema, param, column);
        if (!type.equals(SQLDataTypes.VectorType())) {
            throw new BadInputException(String.format("%s '%s' must be a column of org.apache.spark.ml.linalg.Vector "
                    + "(VectorAssembler makes one), but it is %s", param, column, type.simpleString()));
        }
    }

    /** The label column must exist and be numeric. */
    static void requireNumeric(StructType schema, String param, String column) {
        DataType type = require(schema, param, column);
        if (!(type instanceof NumericType)) {
            throw new BadInputException(String.format("%s '%s' must be a numeric column (digits 0..9), but it is %s",
                    param, column, type.simpleString()));
        }
    }

    private static DataType require(StructType schema, String param, String column) {
        if (!Arrays.asList(schema.fieldNames()).contains(column)) {
            throw new BadInputException(String.format("%s '%s': the DataFrame has no such column (its columns: %s)",
                    param, column, String.join(", ", schema.fieldNames())));
        }
        return schema.apply(column).dataType();
    }
}
