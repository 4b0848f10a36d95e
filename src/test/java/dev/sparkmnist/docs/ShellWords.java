package dev.sparkmnist.docs;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits shell text into simple commands and their words, as far as the documentation's snippets need: quotes
 * removed, comments, redirections and leading {@code NAME=value} assignments dropped, {@code $(...)} kept inside its
 * word, and {@code && || | ; ( )} ending a command. Line continuations join lines first.
 */
final class ShellWords {
    private ShellWords() {
    }

    static List<List<String>> commands(String text) {
        String joined = text.replace("\\\r\n", " ").replace("\\\n", " ");
        List<List<String>> commands = new ArrayList<>();
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        boolean redirectTarget = false;
        char quote = 0;
        int subshell = 0;
        for (int i = 0; i < joined.length(); i++) {
            char c = joined.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
                continue;
            }
            if (subshell > 0) {
                word.append(c);
                subshell += c == '(' ? 1 : c == ')' ? -1 : 0;
                continue;
            }
            if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (c == '$' && i + 1 < joined.length() && joined.charAt(i + 1) == '(') {
                word.append("$(");
                subshell = 1;
                inWord = true;
                i++;
            } else if (c == '#' && !inWord) {
                while (i + 1 < joined.length() && joined.charAt(i + 1) != '\n') {
                    i++;
                }
            } else if (c == '>' || c == '<') {
                if (inWord && word.toString().matches("\\d+")) {
                    word.setLength(0);
                    inWord = false;
                }
                redirectTarget = end(word, inWord, redirectTarget, words);
                inWord = false;
                while (i + 1 < joined.length() && (joined.charAt(i + 1) == '>' || joined.charAt(i + 1) == '&')) {
                    i++;
                }
                redirectTarget = true;
            } else if (Character.isWhitespace(c) || c == ';' || c == '&' || c == '|' || c == '(' || c == ')') {
                redirectTarget = end(word, inWord, redirectTarget, words);
                inWord = false;
                if (c != ' ' && c != '\t') {
                    finish(words, commands);
                    words = new ArrayList<>();
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        end(word, inWord, redirectTarget, words);
        finish(words, commands);
        return commands;
    }

    /** Ends the current word; a redirection's target is dropped. Returns whether the next word is still a target. */
    private static boolean end(StringBuilder word, boolean inWord, boolean redirectTarget, List<String> words) {
        if (!inWord) {
            return redirectTarget;
        }
        if (!redirectTarget) {
            words.add(word.toString());
        }
        word.setLength(0);
        return false;
    }

    private static void finish(List<String> words, List<List<String>> commands) {
        int first = 0;
        while (first < words.size() && words.get(first).matches("[A-Za-z_][A-Za-z0-9_]*=.*")) {
            first++;
        }
        if (first < words.size()) {
            commands.add(List.copyOf(words.subList(first, words.size())));
        }
    }
}
