package io.kiln.graph;

/** The graph before and after one pass, as text ({@link Graph#toText}) and Graphviz ({@link Graph#toDot}). */
public record PassDump(String pass, String before, String after, String beforeDot, String afterDot) {
}
