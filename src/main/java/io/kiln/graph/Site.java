package io.kiln.graph;

import java.security.CodeSource;
import java.util.Objects;

/**
 * Where in the user's code a node was made: the first stack frame that is not the graph library itself, as
 * {@code Class.method(File.java:line)}. Library frames are those of classes in {@code io.kiln.graph} (and below)
 * loaded from the same code source as this class, so tests and user code in the same package still count as the
 * user's.
 */
final class Site {
    static final String UNKNOWN = "(unknown site)";

    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
    private static final CodeSource LIBRARY = codeSource(Site.class);
    private static final ClassValue<Boolean> IS_LIBRARY = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            return type.getPackageName().startsWith("io.kiln.graph")
                    && Objects.equals(codeSource(type), LIBRARY)
                    || type.getPackageName().startsWith("java.") || type.getPackageName().startsWith("jdk.");
        }
    };

    private Site() {
    }

    private static CodeSource codeSource(Class<?> c) {
        var pd = c.getProtectionDomain();
        return pd == null ? null : pd.getCodeSource();
    }

    /** The caller's site, outside the library. */
    static String capture() {
        return WALKER.walk(frames -> frames.filter(f -> !IS_LIBRARY.get(f.getDeclaringClass()))
                .findFirst()
                .map(f -> f.getClassName() + "." + f.getMethodName() + "(" + f.getFileName() + ":" + f.getLineNumber()
                        + ")")
                .orElse(UNKNOWN));
    }
}
