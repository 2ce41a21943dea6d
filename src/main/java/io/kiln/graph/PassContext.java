package io.kiln.graph;

import io.kiln.core.Backend;

/** What a pass may consult: the backend compiled for (constant folding evaluates with it) and the options. */
public record PassContext(Backend backend, CompileOptions options) {
}
