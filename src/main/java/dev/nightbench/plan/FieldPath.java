package dev.nightbench.plan;

import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamContext;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Where a value sits in a parsed document: a list of property names and array indexes. It is the key
 * that ties a validation problem to its line ({@link LineIndex}) and how the field is named in messages.
 */
record FieldPath(List<Object> segments) {

    static final FieldPath ROOT = new FieldPath(List.of());

    FieldPath {
        segments = List.copyOf(segments);
    }

    static FieldPath of(Object... segments) {
        return new FieldPath(List.of(segments));
    }

    FieldPath child(String name) {
        return append(name);
    }

    FieldPath index(int i) {
        return append(i);
    }

    private FieldPath append(Object segment) {
        List<Object> s = new ArrayList<>(segments);
        s.add(segment);
        return new FieldPath(s);
    }

    boolean isRoot() {
        return segments.isEmpty();
    }

    FieldPath parent() {
        return isRoot() ? this : new FieldPath(segments.subList(0, segments.size() - 1));
    }

    boolean startsWith(FieldPath prefix) {
        return segments.size() >= prefix.segments.size()
                && segments.subList(0, prefix.segments.size()).equals(prefix.segments);
    }

    /** {@code models[2].alias}; null for the root. */
    String display() {
        if (isRoot()) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (Object s : segments) {
            if (s instanceof Integer i) {
                sb.append('[').append(i).append(']');
            } else {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(s);
            }
        }
        return sb.toString();
    }

    /** The path of the value a parser context is at (the object itself when it has just started). */
    static FieldPath of(TokenStreamContext context) {
        Deque<Object> segments = new ArrayDeque<>();
        for (TokenStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray() && c.hasCurrentIndex()) {
                segments.addFirst(c.getCurrentIndex());
            } else if (c.inObject() && c.currentName() != null) {
                segments.addFirst(c.currentName());
            }
        }
        return new FieldPath(new ArrayList<>(segments));
    }

    static FieldPath of(List<JacksonException.Reference> references) {
        List<Object> segments = new ArrayList<>();
        for (JacksonException.Reference r : references) {
            if (r.getPropertyName() != null) {
                segments.add(r.getPropertyName());
            } else if (r.getIndex() >= 0) {
                segments.add(r.getIndex());
            }
        }
        return new FieldPath(segments);
    }

    @Override
    public String toString() {
        return isRoot() ? "<root>" : display();
    }
}
