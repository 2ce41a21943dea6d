package io.kiln.profile;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/**
 * A small SVG writer: nested elements with escaped attributes and text, numbers in plain decimal notation
 * ({@link #num}), and a check that every element opened is closed. Only what the roofline needs.
 */
final class Svg {
    private final StringBuilder sb = new StringBuilder();
    private final Deque<String> open = new ArrayDeque<>();
    private boolean finished;

    Svg(double width, double height) {
        sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        start("svg", "xmlns", "http://www.w3.org/2000/svg", "width", num(width), "height", num(height), "viewBox",
                "0 0 " + num(width) + " " + num(height), "font-family", "sans-serif");
    }

    /** Opens {@code tag} with attribute name/value pairs; close it with {@link #end()}. */
    Svg start(String tag, String... attrs) {
        indent();
        sb.append('<').append(tag);
        attributes(attrs);
        sb.append(">\n");
        open.push(tag);
        return this;
    }

    /** Closes the innermost open element. */
    Svg end() {
        if (open.isEmpty()) {
            throw new IllegalStateException("svg: end() with no open element");
        }
        String tag = open.pop();
        indent();
        sb.append("</").append(tag).append(">\n");
        return this;
    }

    /** An element without children. */
    Svg empty(String tag, String... attrs) {
        indent();
        sb.append('<').append(tag);
        attributes(attrs);
        sb.append("/>\n");
        return this;
    }

    /** An element holding only text. */
    Svg text(String tag, String text, String... attrs) {
        indent();
        sb.append('<').append(tag);
        attributes(attrs);
        sb.append('>').append(escape(text)).append("</").append(tag).append(">\n");
        return this;
    }

    /** The document; closes the root. Every other element must have been closed. */
    String finish() {
        if (!finished) {
            if (open.size() != 1) {
                throw new IllegalStateException("svg: unclosed elements " + open);
            }
            end();
            finished = true;
        }
        return sb.toString();
    }

    private void attributes(String[] attrs) {
        if (attrs.length % 2 != 0) {
            throw new IllegalArgumentException("svg: attributes come in name/value pairs");
        }
        for (int i = 0; i < attrs.length; i += 2) {
            if (attrs[i + 1] == null) {
                continue;
            }
            sb.append(' ').append(attrs[i]).append("=\"").append(escape(attrs[i + 1])).append('"');
        }
    }

    private void indent() {
        if (finished) {
            throw new IllegalStateException("svg: document already finished");
        }
        sb.append("  ".repeat(open.size()));
    }

    /** Escapes {@code & < > " '} for text and attribute values. */
    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** A coordinate: 3 decimals, no exponent, no trailing zeros, {@code -0} as {@code 0}. */
    static String num(double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("svg: coordinate " + v + " is not finite");
        }
        String s = String.format(Locale.ROOT, "%.3f", v);
        if (s.contains(".")) {
            s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return s.equals("-0") ? "0" : s;
    }
}
