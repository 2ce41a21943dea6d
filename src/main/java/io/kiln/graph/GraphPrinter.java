package io.kiln.graph;

import io.kiln.core.Activation;
import io.kiln.core.BinaryOp;
import io.kiln.core.UnaryOp;
import java.util.Map;

/** Text and Graphviz dumps of a graph. */
final class GraphPrinter {
    private GraphPrinter() {
    }

    static String text(Graph g) {
        StringBuilder sb = new StringBuilder();
        sb.append("graph ").append(g.name()).append(" (").append(g.nodes.size()).append(" nodes)\n");
        for (Node n : g.nodes) {
            sb.append("  ").append(line(n)).append('\n');
        }
        for (Map.Entry<String, Node> o : g.outputs.entrySet()) {
            sb.append("  output ").append(o.getKey()).append(" = %").append(o.getValue().id).append('\n');
        }
        for (Node e : g.effects) {
            sb.append("  update %").append(e.id).append('\n');
        }
        return sb.toString();
    }

    static String line(Node n) {
        StringBuilder sb = new StringBuilder();
        sb.append('%').append(n.id).append(" = ");
        switch (n.kind) {
            case INPUT, LABELS -> sb.append(n.kind.opName()).append(" \"").append(((Input) n).name()).append('"');
            case PARAMETER -> sb.append("parameter \"").append(((Parameter) n).name()).append('"');
            case CONSTANT -> sb.append("constant ").append(n.attr);
            default -> {
                sb.append(label(n)).append('(');
                for (int i = 0; i < n.inputs.size(); i++) {
                    sb.append(i == 0 ? "" : ", ").append('%').append(n.inputs.get(i).id);
                }
                sb.append(')');
            }
        }
        sb.append(" : ").append(n.shape);
        String attr = attrText(n);
        if (!attr.isEmpty()) {
            sb.append("  ").append(attr);
        }
        if (n.gradient) {
            sb.append("  [grad]");
        }
        return sb.toString();
    }

    /** The op as listed: fused kinds show what they hold. */
    private static String label(Node n) {
        return switch (n.kind) {
            case FUSED_ELEMENTWISE -> "fused[" + n.opName() + "]";
            case GEMM_EPILOGUE -> "gemm[" + n.opName() + "]";
            case LOSS_WITH_GRAD -> "loss_with_grad[" + n.opName() + "]";
            default -> n.opName().isEmpty() ? n.kind.opName() : n.kind == OpKind.LOSS_OF ? "loss_of" : n.opName();
        };
    }

    private static String attrText(Node n) {
        Object a = n.attr;
        if (a == null || a instanceof BinaryOp || a instanceof UnaryOp || a instanceof Activation
                || n.kind == OpKind.CONSTANT) {
            return "";
        }
        if (a instanceof Attr.Matmul m) {
            return (m.transA() ? "transA " : "") + (m.transB() ? "transB" : "");
        }
        if (a instanceof Attr.Epilogue e) {
            return ((e.transA() ? "transA " : "") + (e.transB() ? "transB " : "") + "act=" + e.activation().opName())
                    .trim();
        }
        if (a instanceof Attr.Dropout d) {
            return "p=" + d.p() + " seed=" + d.seed() + " offset=" + d.base() + "+run*stride";
        }
        if (a instanceof Attr.Reduce r) {
            return r.all() ? "all" : "axis=" + r.axis();
        }
        if (a instanceof Attr.Clamp c) {
            return "[" + c.lo() + ", " + c.hi() + "]";
        }
        if (a instanceof Attr.Fused f) {
            return f.expression().toString();
        }
        if (a instanceof Attr.Adam ad) {
            return ad.config().toString();
        }
        if (a instanceof Attr.Sgd sg) {
            return sg.config().toString();
        }
        if (a instanceof Attr.LossWithGrad l) {
            return "loss=" + l.loss().opName();
        }
        return a.toString();
    }

    static String dot(Graph g) {
        StringBuilder sb = new StringBuilder();
        sb.append("digraph \"").append(esc(g.name())).append("\" {\n  rankdir=TB;\n  node [fontname=\"monospace\"];\n");
        for (Node n : g.nodes) {
            String shape;
            String color;
            String text;
            switch (n.kind) {
                case INPUT, LABELS -> {
                    shape = "ellipse";
                    color = "lightblue";
                    text = n.kind.opName() + " " + ((Input) n).name();
                }
                case PARAMETER -> {
                    shape = "ellipse";
                    color = "khaki";
                    text = "param " + ((Parameter) n).name();
                }
                case CONSTANT -> {
                    shape = "plaintext";
                    color = "white";
                    text = "const " + n.attr;
                }
                case FUSED_ELEMENTWISE, GEMM_EPILOGUE, LOSS_WITH_GRAD -> {
                    shape = "box";
                    color = "palegreen";
                    text = label(n);
                }
                default -> {
                    shape = "box";
                    color = n.gradient ? "mistyrose" : "white";
                    text = label(n);
                }
            }
            sb.append("  n").append(n.id).append(" [shape=").append(shape).append(", style=filled, fillcolor=")
                    .append(color).append(", label=\"%").append(n.id).append(' ').append(esc(text)).append("\\n")
                    .append(n.shape).append("\"];\n");
        }
        for (Node n : g.nodes) {
            for (Node in : n.inputs) {
                sb.append("  n").append(in.id).append(" -> n").append(n.id).append(";\n");
            }
        }
        for (Map.Entry<String, Node> o : g.outputs.entrySet()) {
            sb.append("  out_").append(o.getKey().replaceAll("[^A-Za-z0-9_]", "_"))
                    .append(" [shape=doubleoctagon, label=\"").append(esc(o.getKey())).append("\"];\n");
            sb.append("  n").append(o.getValue().id).append(" -> out_")
                    .append(o.getKey().replaceAll("[^A-Za-z0-9_]", "_")).append(";\n");
        }
        return sb.append("}\n").toString();
    }

    private static String esc(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
