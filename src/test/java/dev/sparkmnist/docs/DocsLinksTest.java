package dev.sparkmnist.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Every relative link in README.md and docs/ names a file that exists and, for a Markdown file, an anchor it has. */
class DocsLinksTest {
    /** Linked before they exist: docs/committee.md comes with issue 31's branch (drop it from here once merged). */
    private static final List<String> PENDING = List.of();

    @Test
    void relativeLinksResolve() {
        List<MarkdownDocs> docs = MarkdownDocs.all();
        Map<Path, MarkdownDocs> byFile = new HashMap<>();
        docs.forEach(d -> byFile.put(d.file().toAbsolutePath().normalize(), d));
        List<String> problems = new ArrayList<>();
        int links = 0;
        for (MarkdownDocs doc : docs) {
            for (MarkdownDocs.Span link : doc.links()) {
                String target = link.text();
                if (target.matches("[a-z][a-z0-9+.-]*:.*")) {
                    continue; // https:, mailto: ...
                }
                links++;
                int hash = target.indexOf('#');
                String path = hash < 0 ? target : target.substring(0, hash);
                Path file = path.isEmpty() ? doc.file()
                        : doc.file().toAbsolutePath().getParent().resolve(path).normalize();
                if (PENDING.stream().anyMatch(p -> file.endsWith(p))) {
                    continue;
                }
                if (!Files.exists(file)) {
                    problems.add(doc.where(link.line()) + ": no file " + target);
                    continue;
                }
                if (hash >= 0) {
                    MarkdownDocs linked = byFile.get(file.toAbsolutePath().normalize());
                    String anchor = target.substring(hash + 1);
                    if (linked == null || !linked.anchors().contains(anchor)) {
                        problems.add(doc.where(link.line()) + ": no heading #" + anchor + " in " + path
                                + (linked == null ? "" : "; its anchors: " + linked.anchors()));
                    }
                }
            }
        }
        assertTrue(links > 20, "only " + links + " relative links found");
        assertEquals(List.of(), problems, String.join("\n", problems));
    }
}
