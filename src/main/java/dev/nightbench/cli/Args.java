package dev.nightbench.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A parsed command line: {@code COMMAND [--option VALUE | --flag]... [POSITIONAL]...}. Unknown options are
 * usage errors, never ignored.
 */
record Args(String command, Map<String, String> options, List<String> positional) {

    static final String FLAG = "true";

    /**
     * @param valued options that take a value
     * @param flags  options without a value
     */
    static Args parse(String command, List<String> rest, Set<String> valued, Set<String> flags, int maxPositional,
                      String usage) {
        Map<String, String> options = new HashMap<>();
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < rest.size(); i++) {
            String a = rest.get(i);
            if (a.startsWith("--")) {
                String name = a.substring(2);
                String value = null;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                if (valued.contains(name)) {
                    if (value == null) {
                        if (i + 1 >= rest.size()) {
                            throw new UsageException("option --" + name + " needs a value", usage);
                        }
                        value = rest.get(++i);
                    }
                    options.put(name, value);
                } else if (flags.contains(name) && value == null) {
                    options.put(name, FLAG);
                } else {
                    throw new UsageException("unknown option '" + a + "' for '" + command + "'", usage);
                }
            } else if (a.startsWith("-") && a.length() > 1) {
                throw new UsageException("unknown option '" + a + "' for '" + command + "'", usage);
            } else {
                positional.add(a);
            }
        }
        if (positional.size() > maxPositional) {
            throw new UsageException("unexpected argument '" + positional.get(maxPositional) + "' for '" + command + "'", usage);
        }
        return new Args(command, Map.copyOf(options), List.copyOf(positional));
    }

    String option(String name) {
        return options.get(name);
    }

    boolean flag(String name) {
        return options.containsKey(name);
    }

    /** The first positional argument as a run id, or null when there is none. */
    Long runId(String usage) {
        if (positional.isEmpty()) {
            return null;
        }
        try {
            return Long.parseLong(positional.getFirst());
        } catch (NumberFormatException e) {
            throw new UsageException("RUN_ID must be a number, not '" + positional.getFirst() + "'", usage);
        }
    }
}
