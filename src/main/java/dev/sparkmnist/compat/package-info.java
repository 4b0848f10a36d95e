/**
 * The few Spark calls whose form differs between the Spark releases the project supports (3.5 on Scala 2.12 and
 * 2.13, 4.0, 4.1, 4.2), behind one small class so the rest of the code uses only APIs present in all of them.
 * The base layer: it depends on Spark alone.
 */
package dev.sparkmnist.compat;
