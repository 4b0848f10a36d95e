/**
 * Output safety for the commands: an output location is checked and claimed before the work ({@link OutputClaim}),
 * so a run never replaces what it did not write (another command's output, a model directory, a registry, its own
 * input), and two runs writing one output cannot both succeed ({@link OutputLock}). Used by {@code cli} only.
 */
package dev.sparkmnist.output;
