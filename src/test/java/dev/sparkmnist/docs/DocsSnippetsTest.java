package dev.sparkmnist.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.Test;

import dev.sparkmnist.cli.Main;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The commands shown in README.md and docs/ exist as written, so the documentation cannot drift from the CLI (issue
 * 33). Every {@code ./submit.sh} and {@code spark-submit} command in a fenced shell block, in an inline code span or
 * in a Python string is checked against the options {@code submit.sh} passes on and against the picocli model of
 * {@link Main}: the command and subcommand exist, every option belongs to that command, and a command written out in
 * full (no {@code [..]}, {@code ...} or placeholder in capitals) parses as picocli would parse it, values included.
 * {@code bench/run.sh} options and {@code --only} sections are checked against the benchmark's sources, Maven
 * profiles and {@code -Dtest} classes against pom.xml and the test sources, scripts named against the files, and
 * every fenced Java block is compiled against the test classpath.
 */
class DocsSnippetsTest {
    private static final Pattern PLACEHOLDER = Pattern.compile("[A-Z][A-Z0-9_]*|.*(\\[|]|\\.\\.\\.|\\||<|>).*");
    private static final Set<String> SHELL_LANGUAGES = Set.of("", "bash", "sh", "shell", "console");

    private final List<String> problems = new ArrayList<>();
    private int checked;

    @Test
    void everyDocumentedCommandAndOptionExists() {
        for (MarkdownDocs doc : MarkdownDocs.all()) {
            for (MarkdownDocs.Block block : doc.blocks()) {
                if (SHELL_LANGUAGES.contains(block.language())) {
                    for (List<String> command : ShellWords.commands(block.text())) {
                        check(command, doc.where(block.line()), true);
                    }
                } else if (block.language().equals("python")) {
                    checkPython(block.text(), doc.where(block.line()));
                }
            }
            for (MarkdownDocs.Span span : doc.spans()) {
                if (span.text().matches("([A-Z_]+=\\S* )*((\\./)?submit\\.sh|spark-submit|bench/run\\.sh|mvn)( .*)?")) {
                    for (List<String> command : ShellWords.commands(span.text())) {
                        check(command, doc.where(span.line()), false); // prose may quote part of a command
                    }
                }
            }
        }
        assertTrue(checked > 100, "only " + checked + " commands found in README.md and docs/");
        assertEquals(List.of(), problems, String.join("\n", problems));
    }

    @Test
    void everyJavaSnippetCompiles() throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<JavaFileObject> sources = new ArrayList<>();
        List<String> places = new ArrayList<>();
        for (MarkdownDocs doc : MarkdownDocs.all()) {
            for (MarkdownDocs.Block block : doc.blocks()) {
                if (block.language().equals("java")) {
                    String name = "Snippet" + sources.size();
                    String code = "import java.util.*; import org.apache.spark.sql.*; import org.apache.spark.ml.*;"
                            + " import org.apache.spark.ml.evaluation.*; import dev.sparkmnist.ml.*;"
                            + " import ai.onnxruntime.*;\n"
                            + "class " + name + " { void run() throws Exception {\n" + block.text() + "\n}}\n";
                    sources.add(new SimpleJavaFileObject(URI.create("string:///" + name + ".java"),
                            JavaFileObject.Kind.SOURCE) {
                        @Override
                        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                            return code;
                        }
                    });
                    places.add(name + " = " + doc.where(block.line()));
                }
            }
        }
        assertTrue(sources.size() >= 2, "Java snippets found: " + places);
        Path out = Files.createTempDirectory("doc-snippets");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        StringWriter errors = new StringWriter();
        boolean ok = javac.getTask(errors, null, null,
                List.of("-proc:none", "-d", out.toString(), "-classpath", classpath), null, sources).call();
        assertTrue(ok, "Java snippets that do not compile (" + places + "):\n" + errors);
    }

    /** One simple command; {@code whole}: written out in full, so it must parse, values and required options too. */
    private void check(List<String> words, String where, boolean whole) {
        String program = words.get(0);
        String scope = where + ": " + String.join(" ", words);
        if (program.endsWith("submit.sh")) {
            checked++;
            checkSubmit(words.subList(1, words.size()), scope, whole);
        } else if (program.endsWith("spark-submit")) {
            checked++;
            checkSparkSubmit(words, scope, whole);
        } else if (program.equals("bench/run.sh")) {
            checked++;
            checkBench(words.subList(1, words.size()), scope);
        } else if (program.equals("mvn")) {
            checked++;
            checkMaven(words.subList(1, words.size()), scope);
        } else if (program.matches("(bench|cluster)/[^ ]+")) {
            checked++;
            requireFile(program, scope);
        } else if (program.startsWith("python3") && words.size() > 1 && words.get(1).startsWith("bench/")) {
            checked++;
            requireFile(words.get(1), scope);
        }
    }

    /** {@code submit.sh [SPARK-SUBMIT OPTIONS] COMMAND [OPTIONS]}: the options before the command are submit.sh's. */
    private void checkSubmit(List<String> args, String scope, boolean whole) {
        Set<String> passedOn = Set.copyOf(Arrays.asList(submitScriptVariable("PASSED_ON").trim().split("\\s+")));
        int i = 0;
        while (i < args.size()) {
            String word = args.get(i);
            String name = word.contains("=") ? word.substring(0, word.indexOf('=')) : word;
            if (passedOn.contains(name)) {
                i += word.contains("=") ? 1 : 2;
            } else if (word.startsWith("$")) {
                i++; // a variable holding submit.sh options, e.g. $ARCHIVE
            } else if (word.startsWith("-") && !Set.of("-h", "--help", "-V", "--version").contains(word)
                    && !PLACEHOLDER.matcher(word).matches()) {
                problems.add(scope + "\n    submit.sh takes no option " + word + " before the command");
                return;
            } else {
                break;
            }
        }
        if (i > args.size()) {
            problems.add(scope + "\n    " + args.get(args.size() - 1) + " needs a value");
            return;
        }
        checkCli(args.subList(i, args.size()), scope, whole);
    }

    /** {@code spark-submit ... --class dev.sparkmnist.cli.Main ... APP_JAR COMMAND [OPTIONS]}. */
    private void checkSparkSubmit(List<String> words, String scope, boolean whole) {
        int jar = -1;
        for (int i = 1; i < words.size(); i++) {
            if (words.get(i).endsWith(".jar") && !words.get(i - 1).equals("--jars")) {
                jar = i;
                break;
            }
        }
        int mainClass = words.indexOf("--class");
        if (!whole && (jar < 0 || mainClass < 0)) {
            return; // prose naming spark-submit or part of its command line
        }
        if (jar < 0 || mainClass < 0 || !words.get(mainClass + 1).equals(Main.class.getName())) {
            problems.add(scope + "\n    expected --class " + Main.class.getName() + " and the application jar");
            return;
        }
        String appJar = "target/spark-mnist-" + submitScriptVariable("VERSION") + "-app.jar";
        if (!words.get(jar).endsWith(appJar)) {
            problems.add(scope + "\n    the application jar is " + appJar + ", not " + words.get(jar));
        }
        checkCli(words.subList(jar + 1, words.size()), scope, whole);
    }

    /** The spark-mnist command line itself, against {@link Main}'s picocli model. */
    private void checkCli(List<String> args, String scope, boolean whole) {
        if (args.isEmpty() || PLACEHOLDER.matcher(args.get(0)).matches()) {
            return; // "./submit.sh ..." or "./submit.sh COMMAND --help": nothing concrete to check
        }
        CommandLine cli = new CommandLine(new Main());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        boolean synopsis = !whole || args.stream().anyMatch(a -> PLACEHOLDER.matcher(a).matches() || a.contains("$"));
        if (!synopsis) {
            try {
                cli.parseArgs(args.toArray(String[]::new));
            } catch (CommandLine.ParameterException e) {
                problems.add(scope + "\n    " + e.getMessage());
            }
            return;
        }
        CommandSpec spec = cli.getCommandSpec();
        int i = 0;
        while (i < args.size() && spec.subcommands().containsKey(args.get(i))) {
            spec = spec.subcommands().get(args.get(i)).getCommandSpec();
            i++;
        }
        if (i == 0) {
            problems.add(scope + "\n    no command " + args.get(0) + "; commands: " + spec.subcommands().keySet());
            return;
        }
        for (String word : args.subList(i, args.size())) {
            for (String alternative : word.replaceAll("[\\[\\]]", "").split("\\|")) {
                String name = alternative.contains("=") ? alternative.substring(0, alternative.indexOf('='))
                        : alternative;
                if (name.matches("--?[a-zA-Z][a-zA-Z0-9-]*") && spec.findOption(name) == null
                        && !isNegatable(spec, name)) {
                    problems.add(scope + "\n    " + spec.qualifiedName() + " has no option " + name);
                }
            }
        }
    }

    private static boolean isNegatable(CommandSpec spec, String name) {
        return spec.options().stream().filter(OptionSpec::negatable)
                .anyMatch(o -> Arrays.stream(o.names()).anyMatch(n -> n.replaceFirst("^--", "--no-").equals(name)));
    }

    /** Strings of a Python block (adjacent literals joined) that run submit.sh, and application_args lists. */
    private void checkPython(String text, String where) {
        Matcher strings = Pattern.compile("(\"[^\"\\n]*\"\\s*)+").matcher(text);
        while (strings.find()) {
            String joined = Pattern.compile("\"([^\"\\n]*)\"").matcher(strings.group()).results()
                    .map(m -> m.group(1)).collect(Collectors.joining());
            if (joined.contains("submit.sh")) {
                ShellWords.commands(joined).forEach(c -> check(c, where, true));
            }
        }
        Matcher args = Pattern.compile("application_args=\\[([^\\]]*)]").matcher(text);
        while (args.find()) {
            List<String> words = Pattern.compile("\"([^\"]*)\"").matcher(args.group(1)).results()
                    .map(m -> m.group(1)).toList();
            checked++;
            checkCli(words, where + ": application_args " + words, true);
        }
    }

    /** bench/run.sh's options are BenchMain's and its sections' (read from the benchmark's sources). */
    private void checkBench(List<String> args, String scope) {
        String sources = benchSources();
        Set<String> options = new HashSet<>(Set.of("only", "out", "data-dir", "repeats"));
        Pattern.compile("(?:opt|option)\\(\"([a-z0-9-]+)\"").matcher(sources).results()
                .forEach(m -> options.add(m.group(1)));
        Set<String> sections = new HashSet<>(Set.of("pytorch", "scoring"));
        Pattern.compile("(?:wants|named)\\(\"([a-z]+)\"").matcher(sources).results()
                .forEach(m -> sections.add(m.group(1)));
        for (int i = 0; i < args.size(); i++) {
            String word = args.get(i).replaceAll("[\\[\\]]", "");
            if (word.startsWith("--") && !options.contains(word.substring(2))) {
                problems.add(scope + "\n    bench/run.sh has no option " + word);
            }
            if (word.equals("--only") && i + 1 < args.size()) {
                for (String section : args.get(i + 1).replaceAll("[\\[\\]]", "").split(",")) {
                    if (!sections.contains(section)) {
                        problems.add(scope + "\n    bench/run.sh has no section " + section + "; sections: "
                                + sections);
                    }
                }
            }
        }
    }

    /** {@code -P} profiles exist in pom.xml, {@code -Dtest} names test classes. */
    private void checkMaven(List<String> args, String scope) {
        String pom = read(Path.of("pom.xml"));
        for (int i = 0; i < args.size(); i++) {
            String word = args.get(i);
            String profiles = word.equals("-P") && i + 1 < args.size() ? args.get(i + 1)
                    : word.startsWith("-P") ? word.substring(2) : null;
            if (profiles != null) {
                for (String profile : profiles.split(",")) {
                    if (!pom.contains("<id>" + profile + "</id>")) {
                        problems.add(scope + "\n    pom.xml has no profile " + profile);
                    }
                }
            }
            if (word.startsWith("-Dtest=")) {
                for (String test : word.substring("-Dtest=".length()).split(",")) {
                    if (!test.contains("*") && findTest(test.replaceAll("#.*", "")).isEmpty()) {
                        problems.add(scope + "\n    no test class " + test);
                    }
                }
            }
            if (word.startsWith("-DexcludedGroups=") || word.startsWith("-Dgroups=")) {
                problems.add(scope + "\n    pom.xml sets surefire's groups itself: use -DexcludedTestGroups=");
            }
        }
    }

    private void requireFile(String path, String scope) {
        if (!Files.isRegularFile(Path.of(path))) {
            problems.add(scope + "\n    no file " + path);
        }
    }

    private static List<Path> findTest(String simpleName) {
        try (Stream<Path> files = Files.walk(Path.of("src/test/java"))) {
            return files.filter(p -> p.getFileName().toString().equals(simpleName + ".java")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String benchSources() {
        try (Stream<Path> files = Files.walk(Path.of("src/bench/java"))) {
            return files.filter(p -> p.toString().endsWith(".java")).map(DocsSnippetsTest::read)
                    .collect(Collectors.joining("\n"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A {@code NAME="..."} or {@code NAME=value} assignment of submit.sh. */
    private static String submitScriptVariable(String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "=(\"([^\"]*)\"|(\\S+))").matcher(read(Path.of("submit.sh")));
        assertTrue(m.find(), "submit.sh assigns no " + name);
        return m.group(2) != null ? m.group(2) : m.group(3);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
