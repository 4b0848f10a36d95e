package dev.sparkmnist.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The user-facing Markdown of the project (README.md and docs/*.md), read the way the checks need it: fenced code
 * blocks with their language, inline code spans and links outside them, and the anchors GitHub gives the headings.
 */
record MarkdownDocs(Path file, List<Block> blocks, List<Span> spans, List<Span> links, Set<String> anchors) {

    /** A fenced code block: its info string (language, possibly empty), its text and its first line's number. */
    record Block(String language, String text, int line) {
    }

    /** An inline code span or a link target, with the line it starts on. */
    record Span(String text, int line) {
    }

    private static final Pattern FENCE = Pattern.compile("^(```+|~~~+)\\s*([A-Za-z0-9_+-]*).*$");
    private static final Pattern INLINE_CODE = Pattern.compile("`([^`]+)`");
    private static final Pattern LINK = Pattern.compile("!?\\[[^\\]]*\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");

    /** README.md and every Markdown file under docs/, relative to the project's root (the tests' working directory). */
    static List<MarkdownDocs> all() {
        List<Path> files = new ArrayList<>();
        files.add(Path.of("README.md"));
        try (Stream<Path> docs = Files.walk(Path.of("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files.stream().map(MarkdownDocs::read).toList();
    }

    static MarkdownDocs read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Block> blocks = new ArrayList<>();
        List<Span> spans = new ArrayList<>();
        List<Span> links = new ArrayList<>();
        Set<String> anchors = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        StringBuilder paragraph = new StringBuilder();
        int paragraphLine = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            Matcher fence = FENCE.matcher(line);
            if (fence.matches()) {
                prose(paragraph, paragraphLine, spans, links);
                paragraph.setLength(0);
                String marker = fence.group(1);
                StringBuilder text = new StringBuilder();
                int start = i + 1;
                for (i++; i < lines.size() && !lines.get(i).startsWith(marker); i++) {
                    text.append(lines.get(i)).append('\n');
                }
                blocks.add(new Block(fence.group(2).toLowerCase(Locale.ROOT), text.toString(), start + 1));
                continue;
            }
            Matcher heading = HEADING.matcher(line);
            if (heading.matches()) {
                String slug = slug(heading.group(1));
                int n = seen.merge(slug, 1, Integer::sum);
                anchors.add(n == 1 ? slug : slug + "-" + (n - 1));
            }
            if (line.isBlank()) {
                prose(paragraph, paragraphLine, spans, links);
                paragraph.setLength(0);
            } else {
                if (paragraph.isEmpty()) {
                    paragraphLine = i + 1;
                }
                paragraph.append(line).append('\n');
            }
        }
        prose(paragraph, paragraphLine, spans, links);
        return new MarkdownDocs(file, blocks, spans, links, anchors);
    }

    /** Inline code spans and link targets of one paragraph (a span may continue on the next line). */
    private static void prose(CharSequence paragraph, int line, List<Span> spans, List<Span> links) {
        String text = paragraph.toString();
        Matcher code = INLINE_CODE.matcher(text);
        StringBuilder withoutCode = new StringBuilder();
        int last = 0;
        while (code.find()) {
            spans.add(new Span(code.group(1).replace('\n', ' '), line + lines(text, code.start())));
            withoutCode.append(text, last, code.start()).append(" ".repeat(code.end() - code.start()));
            last = code.end();
        }
        withoutCode.append(text.substring(last));
        Matcher link = LINK.matcher(withoutCode);
        while (link.find()) {
            links.add(new Span(link.group(1), line + lines(text, link.start())));
        }
    }

    private static int lines(String text, int upTo) {
        return (int) text.substring(0, upTo).chars().filter(c -> c == '\n').count();
    }

    /** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
    static String slug(String heading) {
        String plain = heading.replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1").toLowerCase(Locale.ROOT);
        StringBuilder slug = new StringBuilder();
        plain.codePoints().forEach(c -> {
            if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
                slug.appendCodePoint(c);
            } else if (c == ' ') {
                slug.append('-');
            }
        });
        return slug.toString();
    }

    String where(int line) {
        return file + ":" + line;
    }
}
