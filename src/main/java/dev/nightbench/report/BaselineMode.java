package dev.nightbench.report;

/** Which earlier run(s) a run is compared with. */
public enum BaselineMode {
    /** The newest COMPLETED run of the same plan started before this one (the default). */
    PREVIOUS,
    /** The newest {@code lastN} COMPLETED runs of the same plan before this one, their samples pooled. */
    LAST_N,
    /** One fixed run, {@code pinnedRunId}, e.g. a known-good night. */
    PINNED
}
