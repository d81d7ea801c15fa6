package dev.nightbench.run;

/** The innermost message of a broker failure, for one-line errors. */
final class RemoteMessages {

    private RemoteMessages() {
    }

    static String root(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
