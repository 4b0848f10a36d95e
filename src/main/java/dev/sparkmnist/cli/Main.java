package dev.sparkmnist.cli;

import java.io.PrintWriter;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code spark-mnist} command line: {@code train}, {@code evaluate} and friends. Run it through
 * {@code submit.sh}, {@code spark-submit}, or plain {@code java} with Spark on the classpath.
 */
@Command(name = "spark-mnist", mixinStandardHelpOptions = true, version = "spark-mnist 0.1.0",
        description = "Trains a 784-H-10 tanh/softmax network on MNIST as a distributed Apache Spark batch job.",
        subcommands = {TrainCommand.class, EvaluateCommand.class, FetchCommand.class, ShowCommand.class,
                RetrainCommand.class, RegistryCommand.class, GenerateCommand.class, PredictCommand.class,
                ExportCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    /** Accepted after any command too; {@link ErrorReporter} prints stack traces only with it. */
    @CommandLine.Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "On a failure that is not bad input (exit code 1), print the stack trace too.")
    boolean verbose;

    /**
     * Runs the command and ends as its deploy mode requires (see {@link DeployMode}): the exit code in client mode
     * and locally; in cluster mode a normal return on success and a {@link CommandFailedException} on failure.
     */
    public static void main(String[] args) {
        DeployMode.end(run(args), DeployMode.isCluster(), System::exit);
    }

    /** Runs the command line and returns the exit code (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setErr(new PrintWriter(System.err, true));
        try {
            cli.setDefaultValueProvider(ConfigDefaults.load());
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            cli.getErr().println("error: " + e.getMessage());
            return ExitCodes.BAD_INPUT;
        }
        cli.setExecutionExceptionHandler(new ErrorReporter(java.util.Arrays.asList(args).contains("--verbose")));
        cli.setParameterExceptionHandler(Main::badParameter);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        int code = cli.execute(args);
        StatusFile.recordOutcome(cli.getParseResult(), code, cli.getErr());
        return code;
    }

    /**
     * A command line picocli cannot parse (an unknown option, a value that is not a number, a missing one): the
     * reason and where to read more, two lines instead of picocli's whole usage text (some 190 lines for
     * {@code train}), so that the reason stays on the screen.
     */
    private static int badParameter(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        cmd.getErr().println("error: " + e.getMessage());
        String path = cmd.getCommandSpec().qualifiedName().replaceFirst("^spark-mnist ?", "");
        cmd.getErr().println("see: " + (path.isEmpty() ? "" : path + " ") + "--help");
        return ExitCodes.BAD_INPUT;
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
