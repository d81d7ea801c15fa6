package dev.nightbench.cli;

/** Bad command line: exit code 2 with the command's usage. */
final class UsageException extends RuntimeException {

    private final String usage;

    UsageException(String message, String usage) {
        super(message);
        this.usage = usage;
    }

    String usage() {
        return usage;
    }
}
