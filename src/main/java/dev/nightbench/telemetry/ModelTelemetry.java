package dev.nightbench.telemetry;

/**
 * What one step's sampling learned about one model from one source: a row of {@code run_model_telemetry} without its
 * figures (those are summarised from the stored samples).
 *
 * @param samples     samples taken with figures
 * @param pollsFailed polls that failed (timeout, HTTP error, a page that is not what the server should serve)
 * @param detail      no telemetry: what was tried; else the last failure, or null
 */
public record ModelTelemetry(String modelAlias, String endpoint, TelemetrySource source, Status status, String detail,
                             int samples, int pollsFailed, Facts facts) {

    /** {@code run_model_telemetry.status}. */
    public enum Status {
        /** At least one sample was read. */
        OK("ok"),
        /** The endpoint exposes none of the formats Nightbench reads: recorded, never an error. */
        NO_TELEMETRY("no_telemetry"),
        /** The server was recognised but no poll of it succeeded for this model. */
        ERROR("error");

        private final String value;

        Status(String value) {
            this.value = value;
        }

        public String value() {
            return value;
        }
    }
}
