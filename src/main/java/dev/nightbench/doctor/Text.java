package dev.nightbench.doctor;

import java.util.Collection;

/**
 * Makes untrusted text (a model's answer, a server's error) safe for one line of a terminal: control characters
 * escaped, shortened, and any secret the plan uses replaced by {@code ***}.
 */
final class Text {

    private Text() {
    }

    /** Escapes {@code \n}, {@code \t}, quotes and other control characters, cuts at {@code max} characters. */
    static String sample(String text, int max, Collection<String> secrets) {
        if (text == null) {
            return "";
        }
        String clean = redact(text, secrets);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < clean.length() && sb.length() < max; i++) {
            char c = clean.charAt(i);
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.length() < clean.length() ? sb + "…" : sb.toString();
    }

    /** Replaces every non-blank secret in {@code text} with {@code ***}. */
    static String redact(String text, Collection<String> secrets) {
        String out = text == null ? "" : text;
        for (String s : secrets) {
            if (s != null && !s.isBlank()) {
                out = out.replace(s, "***");
            }
        }
        return out;
    }

    /** A URL without the credentials it might carry (user info, query string). */
    static String url(String url) {
        return url.replaceAll("//[^/@]*@", "//***@").replaceAll("\\?.*$", "?***");
    }
}
