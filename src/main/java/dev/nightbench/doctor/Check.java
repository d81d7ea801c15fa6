package dev.nightbench.doctor;

/**
 * One line of {@code nightbench doctor}: what was checked, whether it passed, and what was seen or why it failed.
 *
 * @param name   what was checked ("endpoint sim", "chat sim-fast", "schema")
 * @param ok     whether it passed
 * @param detail what was seen, or the reason it failed (never an API key)
 */
public record Check(String name, boolean ok, String detail) {

    public static Check ok(String name, String detail) {
        return new Check(name, true, detail);
    }

    public static Check fail(String name, String detail) {
        return new Check(name, false, detail);
    }

    /** {@code "ok    name: detail"} or {@code "FAIL  name: detail"}: plain ASCII, readable in any terminal or log. */
    public String line() {
        return (ok ? "ok    " : "FAIL  ") + name + ": " + detail;
    }
}
